import Foundation
import IncentiveStore
import Logging
import ServiceLifecycle

/// Applies the audit retention at start and then hourly: rows older than the retention period go,
/// in small batches, each batch leaving an anchor row so the rest of the chain still verifies.
struct AuditRetention: Service {
    let chain: AuditChain
    let keepSeconds: Double
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let deleted = try await chain.applyRetention(before: Date().addingTimeInterval(-keepSeconds))
                if deleted > 0 { logger.info("Audit retention applied", metadata: ["audit.deleted": "\(deleted)"]) }
            } catch {
                logger.error("Audit retention failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
