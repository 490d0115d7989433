import HTTPTypes
import Hummingbird

/// Answers a request that asked to close the connection (`Connection: close`) with
/// `Connection: close` (RFC 9112 §9.6). Hummingbird closes such a connection after the response
/// but does not say so, and a client that reuses connections then takes the close for an error.
struct ConnectionCloseMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let connection = request.headers[.connection], Self.asksToClose(connection) else {
            return try await next(request, context)
        }
        var response = try await next(request, context)
        response.headers[.connection] = "close"
        return response
    }

    static func asksToClose(_ value: String) -> Bool {
        value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "close" }
    }
}
