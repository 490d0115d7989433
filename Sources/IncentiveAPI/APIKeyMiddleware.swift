import Hummingbird
import IncentiveStore

/// Authenticates `Authorization: Bearer ink_...` API keys and puts the key in `RequestIdentity`.
/// A request without a valid key gets 401 here; scopes are checked by each handler (403).
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeyRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
              let key = try await keys.authenticate(String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        else { throw APIProblem.unauthorized }
        return try await RequestIdentity.$apiKey.withValue(key) {
            try await next(request, context)
        }
    }
}
