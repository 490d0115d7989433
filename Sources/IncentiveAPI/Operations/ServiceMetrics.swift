import Metrics
import Prometheus

/// The service's own counters (swift-metrics, exported as Prometheus text by `GET /metrics`).
/// Request counts and latency histograms by route come from Hummingbird's `MetricsMiddleware`;
/// figures that live in the database (queue depth, dead jobs, the audit head) are read at scrape
/// time by `MetricsController`. Counters are looked up by name on each use: the registry keeps one
/// per name and labels.
public enum ServiceMetrics {
    /// Routes swift-metrics to the Prometheus registry that `/metrics` exports. Once per process, before
    /// the application is built (`serve` does it; tests that do not leave metrics as no-ops).
    public static func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    static let registry = PrometheusCollectorRegistry()

    static func tokenIssued(grantType: String) {
        Counter(label: "incentives_tokens_issued_total", dimensions: [("grant_type", grantType)]).increment()
    }

    static func grantRevoked(by actor: String) {
        Counter(label: "incentives_grants_revoked_total", dimensions: [("by", actor)]).increment()
    }

    static func eventIngested(evaluation: String, achievements: Int) {
        Counter(label: "incentives_events_ingested_total", dimensions: [("evaluation", evaluation)]).increment()
        if achievements > 0 {
            Counter(label: "incentives_achievements_awarded_total", dimensions: [("path", "sync")]).increment(by: achievements)
        }
    }

    static func jobsCompleted(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "incentives_jobs_completed_total").increment(by: count)
    }
}
