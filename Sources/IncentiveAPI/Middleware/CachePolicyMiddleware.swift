import HTTPTypes
import Hummingbird

/// Who may keep a copy of a response (DESIGN §5, Caching): nobody for what carries user data,
/// tokens, secrets or sign-in state; only the partner's own client for its feed, revalidated with
/// the page's ETag each time. Set here for every response of those paths, errors included, so no
/// handler can forget it.
struct CachePolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    enum Policy: String {
        case noStore = "no-store"
        case privateRevalidated = "private, no-cache"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if let policy = Self.policy(path: request.uri.path) {
            response.headers[.cacheControl] = policy.rawValue
        }
        return response
    }

    static func policy(path: String) -> Policy? {
        // The router ignores empty segments (`//v1/users/`); so must the policy.
        let segments = path.split(separator: "/")
        guard let first = segments.first else { return nil }
        switch first {
        case "v1": return segments.count == 2 && segments[1] == "achievements" ? .privateRevalidated : .noStore
        case "oauth", "login", "logout", "account": return .noStore
        default: return nil
        }
    }
}
