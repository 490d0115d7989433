import Hummingbird

/// Liveness and readiness probes.
struct HealthController<Context: RequestContext> {
    struct Status: ResponseEncodable {
        let status: String
    }

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in Status(status: "ok") }
        router.get("readyz") { _, _ in Status(status: "ready") }
    }
}
