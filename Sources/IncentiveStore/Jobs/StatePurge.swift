public import Foundation
import GRDB

/// Deletes OAuth and sign-in state that can no longer be used: expired sessions, authorization
/// codes and sign-in links, idle login back-off rows, revoked access tokens past their expiry, and
/// dead refresh families (revoked, or past the idle or absolute limit) with their tokens. Small
/// batches, one write transaction each, so the server's writes wait at most one batch; children
/// before parents (refresh tokens reference their family), so every batch keeps the foreign keys.
/// Audit rows are not touched: they have their own retention (`AuditChain.applyRetention`).
public struct StatePurge: Sendable {
    public struct Policy: Sendable {
        public var sessionIdle: TimeInterval
        public var sessionAbsolute: TimeInterval
        public var refreshIdle: TimeInterval
        public var refreshAbsolute: TimeInterval
        /// How long a dead row is kept after it stopped counting (for investigations).
        public var keepDead: TimeInterval
        public var batchSize = 500

        public init(sessionIdle: TimeInterval, sessionAbsolute: TimeInterval, refreshIdle: TimeInterval,
                    refreshAbsolute: TimeInterval, keepDead: TimeInterval) {
            self.sessionIdle = sessionIdle
            self.sessionAbsolute = sessionAbsolute
            self.refreshIdle = refreshIdle
            self.refreshAbsolute = refreshAbsolute
            self.keepDead = keepDead
        }
    }

    /// Rows deleted, by table.
    public struct Report: Sendable, Equatable {
        public var counts: [String: Int] = [:]
        public var total: Int { counts.values.reduce(0, +) }
    }

    let database: IncentiveDatabase
    let policy: Policy

    public init(database: IncentiveDatabase, policy: Policy) {
        self.database = database
        self.policy = policy
    }

    public func run(now: Date = Date()) async throws -> Report {
        let cutoff = now.addingTimeInterval(-policy.keepDead)
        let deadFamily: SQL = """
            revokedAt < \(cutoff) OR lastUsedAt < \(cutoff.addingTimeInterval(-policy.refreshIdle)) \
            OR createdAt < \(cutoff.addingTimeInterval(-policy.refreshAbsolute))
            """
        let steps: [(table: String, condition: SQL)] = [
            ("session", "lastSeenAt < \(cutoff.addingTimeInterval(-policy.sessionIdle)) OR createdAt < \(cutoff.addingTimeInterval(-policy.sessionAbsolute))"),
            ("authorizationCode", "expiresAt < \(cutoff)"),
            ("signInLink", "expiresAt < \(cutoff)"),
            ("loginThrottle", "nextAllowedAt < \(cutoff)"),
            ("revokedAccessToken", "expiresAt < \(cutoff)"),
            ("refreshToken", "familyId IN (SELECT id FROM refreshFamily WHERE \(deadFamily))"),
            // Only families whose tokens are gone: a batch cut short leaves no token without its family.
            ("refreshFamily", "(\(deadFamily)) AND NOT EXISTS (SELECT 1 FROM refreshToken WHERE familyId = refreshFamily.id)"),
        ]
        var report = Report()
        for step in steps {
            report.counts[step.table] = try await delete(from: step.table, where: step.condition)
        }
        return report
    }

    private func delete(from table: String, where condition: SQL) async throws -> Int {
        var deleted = 0
        while true {
            let batch = try await database.writer.write { db in
                try db.execute(literal: """
                    DELETE FROM \(identifier: table) WHERE rowid IN \
                    (SELECT rowid FROM \(identifier: table) WHERE \(condition) LIMIT \(policy.batchSize))
                    """)
                return db.changesCount
            }
            deleted += batch
            if batch < policy.batchSize { return deleted }
        }
    }
}
