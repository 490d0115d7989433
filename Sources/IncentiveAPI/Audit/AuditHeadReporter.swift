import IncentiveStore
import Logging
import ServiceLifecycle

/// Writes the audit chain's head to the log when it moved (checked every `interval`) and once more
/// at shutdown, so an operator has a head to hold `incentives audit verify --expect-head` against
/// even if the database is cut short later (DESIGN §6).
struct AuditHeadReporter: Service {
    let chain: AuditChain
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var reported: String?
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            reported = await report(unless: reported)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        _ = await report(unless: reported)
    }

    private func report(unless previous: String?) async -> String? {
        do {
            let head = try await chain.head()
            if head != previous { logger.info("Audit head", metadata: ["audit.head": "\(head)"]) }
            return head
        } catch {
            logger.error("Audit head unreadable", metadata: ["error": "\(error)"])
            return previous
        }
    }
}
