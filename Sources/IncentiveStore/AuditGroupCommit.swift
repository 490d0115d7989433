public import Foundation
import GRDB
import Synchronization

/// Appends audit rows with group commit: facts that arrive while a write transaction is running
/// wait for the next one, which takes them all. Each caller resumes only once the transaction
/// holding its row has committed, so "no response before its audit row is durable" still holds,
/// while a busy server pays one transaction per batch instead of one per row (DESIGN §6).
public final class AuditGroupCommit: Sendable {
    private struct Pending {
        let fact: AuditFact
        let at: Date
        let continuation: CheckedContinuation<String, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var writing = false
        var batches = 0
    }

    private let chain: AuditChain
    private let state = Mutex(State())

    public init(chain: AuditChain) {
        self.chain = chain
    }

    /// Transactions written so far (for tests and metrics).
    public var batchesWritten: Int { state.withLock { $0.batches } }

    /// Appends `fact`; returns its MAC once the row is committed.
    @discardableResult
    public func append(_ fact: AuditFact, at: Date = Date()) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let startsWriter = state.withLock { state in
                state.pending.append(Pending(fact: fact, at: at, continuation: continuation))
                defer { state.writing = true }
                return !state.writing
            }
            if startsWriter { Task { await drain() } }
        }
    }

    private func drain() async {
        while let batch = nextBatch() {
            do {
                let macs = try await chain.database.writer.write { [chain] db in
                    try batch.map { try chain.append($0.fact, at: $0.at, in: db) }
                }
                for (pending, mac) in zip(batch, macs) { pending.continuation.resume(returning: mac) }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
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
