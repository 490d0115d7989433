import GRDB
import Synchronization

/// Group commit: writes that arrive while a write transaction is running wait for the next one,
/// which takes them all. Each item runs in its own savepoint, so an item that throws rolls back
/// alone and its error reaches only its caller; each caller resumes only once the transaction
/// holding its item has committed. A busy server pays one transaction (BEGIN, WAL append of the
/// touched pages, COMMIT, and the hops to GRDB's writer queue) per batch instead of per item.
public final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    public typealias Apply = @Sendable (Item, Database) throws -> Output

    private struct Pending: Sendable {
        let item: Item
        let continuation: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var writing = false
        var batches = 0
    }

    private let writer: DatabasePool
    private let apply: Apply
    private let state = Mutex(State())

    public init(writer: DatabasePool, apply: @escaping Apply) {
        self.writer = writer
        self.apply = apply
    }

    /// Transactions written so far (for tests and benchmarks).
    public var batchesWritten: Int { state.withLock { $0.batches } }

    /// Runs `apply(item, db)` in a shared transaction; returns its output once that transaction committed.
    public func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let startsWriter = state.withLock { state in
                state.pending.append(Pending(item: item, continuation: continuation))
                defer { state.writing = true }
                return !state.writing
            }
            if startsWriter { Task { await drain() } }
        }
    }

    private func drain() async {
        while let batch = nextBatch() {
            do {
                let results = try await writer.write { [apply] db in batch.map { Self.run(apply, $0.item, in: db) } }
                for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }

    private static func run(_ apply: Apply, _ item: Item, in db: Database) -> Result<Output, any Error> {
        var result: Result<Output, any Error>?
        do {
            try db.inSavepoint {
                let outcome = Result { try apply(item, db) }
                result = outcome
                if case .success = outcome { return .commit }
                return .rollback
            }
        } catch {
            return .failure(error)
        }
        return result ?? .failure(CancellationError())
    }

    /// Takes everything waiting, or ends the writer's turn when nothing is.
    private func nextBatch() -> [Pending]? {
        state.withLock { state in
            guard !state.pending.isEmpty else {
                state.writing = false
                return nil
            }
            defer { state.pending = [] }
            state.batches += 1
            return state.pending
        }
    }
}
