import IncentiveStore
import Logging
import ServiceLifecycle

/// Drains evaluation jobs inside `serve`; stops between jobs on graceful shutdown.
struct JobWorker: Service {
    let queue: JobQueue
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let finished = try await queue.runDue()
                    ServiceMetrics.jobsCompleted(finished)
                    if finished > 0 { logger.info("Evaluation jobs finished", metadata: ["count": "\(finished)"]) }
                } catch is CancellationError {
                    return  // shutting down: the job's transaction rolled back and runs again at next start
                } catch {
                    logger.error("Job queue failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
