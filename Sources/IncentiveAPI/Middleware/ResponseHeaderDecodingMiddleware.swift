import HTTPTypes
import Hummingbird

/// The response headers our operations declare (made once: `HTTPField.Name` checks and lowercases its text).
private let percentEncodedHeaderNames: [HTTPField.Name] = [
    HTTPField.Name("RateLimit-Policy")!, HTTPField.Name("RateLimit")!, .link, .eTag, .retryAfter, HTTPField.Name("Idempotent-Replayed")!,
]

/// The generated server percent-encodes header values (`"partner";q=600` leaves as
/// `%22partner%22%3Bq%3D600`), which structured headers and `Link` must not be. This undoes it,
/// once, for the headers our operations declare.
struct ResponseHeaderDecodingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for name in percentEncodedHeaderNames {
            // Bytes, not `String.contains`: Foundation's substring search was most of this middleware.
            if let value = response.headers[name], value.utf8.contains(UInt8(ascii: "%")), let decoded = value.removingPercentEncoding {
                response.headers[name] = decoded
            }
        }
        return response
    }
}
