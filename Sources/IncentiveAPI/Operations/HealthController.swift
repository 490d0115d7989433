import HTTPTypes
import Hummingbird
import NIOCore

/// Liveness and readiness probes. Their answers never change, so each is encoded once: probes and
/// load balancers call them often.
struct HealthController<Context: RequestContext> {
    func addRoutes(to router: Router<Context>) {
        let live = Self.answer(#"{"status":"ok"}"#)
        let ready = Self.answer(#"{"status":"ready"}"#)
        router.get("healthz") { _, _ in live }
        router.get("readyz") { _, _ in ready }
    }

    private static func answer(_ json: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }
}
