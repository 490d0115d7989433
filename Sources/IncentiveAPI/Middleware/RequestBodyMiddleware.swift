import Hummingbird

/// Bodies of the JSON API: at most 64 KiB (413) and `application/json` (415), checked before any
/// decoding, because the generated code collects bodies without a limit.
struct RequestBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    static var maximumBytes: Int { 64 * 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post || request.method == .patch || request.method == .put else {
            return try await next(request, context)
        }
        let length = request.headers[.contentLength].flatMap(Int.init)
        if let length, length > Self.maximumBytes { throw tooLarge }
        let hasBody = (length ?? 0) > 0 || request.headers[.transferEncoding] != nil
        guard hasBody else { return try await next(request, context) }  // e.g. POST .../secret
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw APIProblem(status: .unsupportedMediaType, title: "Unsupported media type",
                             detail: "Send the body as application/json.")
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: Self.maximumBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge
        }
        return try await next(request, context)
    }

    private var tooLarge: APIProblem {
        APIProblem(status: .contentTooLarge, title: "Content too large", detail: "Bodies are limited to 64 KiB.")
    }
}
