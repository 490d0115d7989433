import HTTPTypes
import OpenAPIRuntime

/// Bodies of the generated JSON API: at most 64 KiB (413) and `application/json` (415). Checked by
/// `OperationAccessMiddleware` once the caller's credential and scope are, so nobody unauthenticated
/// gets a byte of a body read; before the generated code decodes it, which would collect it
/// without a limit.
enum RequestBodyLimit {
    static let maximumBytes = 64 * 1024

    /// The body, collected within the limit, for the generated code to decode.
    static func admit(_ request: HTTPRequest, _ body: HTTPBody?) async throws -> HTTPBody? {
        guard [.post, .patch, .put].contains(request.method), let body else { return body }
        if case .known(let length) = body.length {
            guard length <= maximumBytes else { throw tooLarge }
            guard length > 0 else { return body }  // e.g. POST .../secret
        }
        let mediaType = request.headerFields[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw APIProblem(status: .unsupportedMediaType, title: "Unsupported media type", detail: "Send the body as application/json.")
        }
        var bytes: [UInt8] = []
        for try await chunk in body {
            guard bytes.count + chunk.count <= maximumBytes else { throw tooLarge }
            bytes += chunk
        }
        return HTTPBody(bytes)
    }

    private static var tooLarge: APIProblem {
        APIProblem(status: .contentTooLarge, title: "Content too large", detail: "Bodies are limited to 64 KiB.")
    }
}
