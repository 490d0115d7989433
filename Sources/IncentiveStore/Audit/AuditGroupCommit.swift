public import Foundation

/// Appends audit rows with group commit (`GroupCommit`): rows of concurrent requests share one
/// transaction, and each caller resumes only once its row is committed, so "no response before
/// its audit row is durable" still holds (DESIGN §6).
public final class AuditGroupCommit: Sendable {
    private struct Entry: Sendable {
        let fact: AuditFact
        let at: Date
    }

    private let commits: GroupCommit<Entry, String>

    public init(chain: AuditChain) {
        commits = GroupCommit(writer: chain.database.writer, pace: .gathering) { entry, db in try chain.append(entry.fact, at: entry.at, in: db) }
    }

    /// Transactions written so far (for tests and metrics).
    public var batchesWritten: Int { commits.batchesWritten }

    /// Appends `fact`; returns its MAC once the row is committed.
    @discardableResult
    public func append(_ fact: AuditFact, at: Date = Date()) async throws -> String {
        try await commits.submit(Entry(fact: fact, at: at))
    }
}
