import Hummingbird
import IncentiveStore

/// Puts where the request came from (request id, address) in `RequestIdentity.auditSource`, for
/// the audit rows written below it, in the middlewares of the generated operations and their
/// handlers, which see no request context.
struct RequestSourceMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await RequestIdentity.$auditSource.withValue(AuditSource(context)) { try await next(request, context) }
    }
}

extension AuditSource {
    /// The request id and the peer's address of a request.
    init(_ context: some RequestContext) {
        self.init(requestID: context.id, address: (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress)
    }
}
