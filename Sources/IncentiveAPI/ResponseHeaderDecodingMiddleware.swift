import HTTPTypes
import Hummingbird

/// The generated server percent-encodes header values (`"partner";q=600` leaves as
/// `%22partner%22%3Bq%3D600`), which structured headers and `Link` must not be. This undoes it,
/// once, for the headers our operations declare.
struct ResponseHeaderDecodingMiddleware<Context: RequestContext>: RouterMiddleware {
    static var names: [HTTPField.Name] {
        [HTTPField.Name("RateLimit-Policy")!, HTTPField.Name("RateLimit")!, HTTPField.Name("Link")!, .eTag, .retryAfter, HTTPField.Name("Idempotent-Replayed")!]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for name in Self.names {
            if let value = response.headers[name], value.contains("%"), let decoded = value.removingPercentEncoding {
                response.headers[name] = decoded
            }
        }
        return response
    }
}
