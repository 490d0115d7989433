import Foundation
import IncentiveStore
import Logging
import ServiceLifecycle

/// Runs `StatePurge` at start and then every `interval`, like the audit retention: a restart
/// simply runs it again, and each batch is its own transaction, so a kill loses nothing.
struct StatePurgeService: Service {
    let purge: StatePurge
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let report = try await purge.run()
                if report.total > 0 {
                    var metadata: Logger.Metadata = [:]
                    for (table, count) in report.counts where count > 0 { metadata["purge.\(table)"] = "\(count)" }
                    logger.info("Expired state purged", metadata: metadata)
                }
            } catch {
                logger.error("Expired state purge failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
