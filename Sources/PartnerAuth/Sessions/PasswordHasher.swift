import NIOCore
import NIOPosix

/// Runs PBKDF2 (a blocking C call of hundreds of milliseconds) on threads of its own, never on
/// NIO's event loops or Swift's cooperative pool, and at most `concurrency` checks at once: a
/// burst of sign-ins waits up to `maximumWait` for a thread, then is refused, so it cannot
/// starve token and feed traffic of CPU.
public final class PasswordHasher: Sendable {
    /// Every thread busy for longer than the caller may wait.
    public struct Busy: Error, Equatable {
        public let retryAfterSeconds: Int
    }

    public let concurrency: Int
    private let pool: NIOThreadPool
    private let checks: ConcurrencyLimiter

    public init(concurrency: Int = System.coreCount, maximumWait: Duration = .seconds(2)) {
        self.concurrency = concurrency
        pool = NIOThreadPool(numberOfThreads: concurrency)
        pool.start()
        checks = ConcurrencyLimiter(limit: concurrency, maximumWait: maximumWait)
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// Whether `password` matches `hash`; throws `Busy` when no thread came free in time.
    public func verify(_ password: String, against hash: String) async throws -> Bool {
        guard await checks.acquire() else {
            throw Busy(retryAfterSeconds: max(1, Int(checks.maximumWait.components.seconds)))
        }
        defer { checks.release() }
        return try await pool.runIfActive { PasswordHash.verify(password, against: hash) }
    }

    /// A new hash (an admin setting a password: rare, so it waits for a thread rather than fail).
    public func make(_ password: String, iterations: Int) async throws -> String {
        try await pool.runIfActive { try PasswordHash.make(password, iterations: iterations) }
    }
}
