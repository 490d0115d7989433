import Hummingbird
import Logging

/// One log line per request: method, path without its query (queries can carry sign-in link
/// tokens), status and duration; the request logger adds `hb.request.id`.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        context.logger.info("Request", metadata: [
            "http.method": "\(request.method.rawValue)",
            "http.path": "\(request.uri.path)",
            "http.status": "\(response.status.code)",
            "duration_ms": "\(elapsed / .milliseconds(1))",
        ])
        return response
    }
}
