import Hummingbird

/// For hand-written routes called with an API key (`/metrics`): authenticates it and puts it in
/// `RequestIdentity.apiKey`; the route checks the scope it needs.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: APIKeyAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let key = try await authenticator.authenticate(request.headers, path: RoutePath.normalized(request.uri.path))
        return try await RequestIdentity.$apiKey.withValue(key) { try await next(request, context) }
    }
}
