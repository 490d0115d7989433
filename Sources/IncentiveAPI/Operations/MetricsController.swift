import Hummingbird
import IncentiveStore

/// `GET /metrics` (`metrics:read`): the swift-metrics registry in Prometheus text, plus the figures
/// that live in the database, read at scrape time.
struct MetricsController<Context: RequestContext> {
    let jobs: JobQueue
    let achievements: AchievementRepository
    let audit: AuditChain

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("metrics") { _, _ in try await scrape() }
    }

    func scrape() async throws -> Response {
        try RequestIdentity.require(anyOf: .metricsRead)
        let (queued, dead) = try await jobs.depth()
        let head = try await audit.head()
        var text = ServiceMetrics.registry.emitToString()
        text += Self.gauge("incentives_job_queue_depth", "Evaluation jobs waiting to run.", value: queued)
        text += Self.gauge("incentives_jobs_dead", "Evaluation jobs parked after their last retry.", value: dead)
        text += Self.gauge("incentives_achievements", "Achievements recorded, synchronously or by jobs.", value: try await achievements.count())
        text += Self.gauge("incentives_audit_head_info", "The MAC of the newest audit row (compare with audit verify --expect-head).",
                           labels: "head=\"\(head)\"", value: 1)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: .init(string: text)))
    }

    static func gauge(_ name: String, _ help: String, labels: String? = nil, value: Int) -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name)\(labels.map { "{\($0)}" } ?? "") \(value)\n"
    }
}
