public import Foundation
import GRDB
import IncentiveEngine

/// The app's view of a user's rewards and progress.
public struct AchievementRepository: Sendable {
    let database: IncentiveDatabase

    public init(database: IncentiveDatabase) {
        self.database = database
    }

    /// A user's achievements in award order; `after` is an award sequence number.
    /// Every achievement recorded, synchronously or by jobs.
    public func count() async throws -> Int {
        try await database.writer.read { db in try AchievementRecord.fetchCount(db) }
    }

    public func list(userID: String, after: Int64?, limit: Int) async throws -> (items: [AchievementRecord], nextAfter: Int64?) {
        try await database.writer.read { db in
            guard try UserRecord.fetchOne(db, key: userID) != nil else { throw StoreError.notFound("user \(userID)") }
            var request = AchievementRecord.filter(Column("userId") == userID).order(Column("seq")).limit(limit + 1)
            if let after { request = request.filter(Column("seq") > after) }
            let fetched = try request.fetchAll(db)
            guard fetched.count > limit else { return (fetched, nil) }
            let items = Array(fetched.prefix(limit))
            return (items, items.last?.seq)
        }
    }

    public struct Progress: Sendable {
        public let program: ProgramRecord
        /// Days in the current run, or matching events counted.
        public let current: Int
        public let target: Int
        public let achievements: Int
    }

    /// For each active program of the user's employer: where the user stands today.
    public func progress(userID: String, now: Date = Date()) async throws -> [Progress] {
        try await database.writer.read { db in
            guard let user = try UserRecord.fetchOne(db, key: userID) else { throw StoreError.notFound("user \(userID)") }
            guard let employerID = user.employerId else { return [] }
            let ledger = SQLiteActivityLedger(db: db, userID: userID)
            let today = LocalDate(now, in: TimeZone(identifier: user.timezone) ?? .gmt)
            return try ProgramRecord.filter(Column("employerId") == employerID && Column("active") == true)
                .order(Column("createdAt"), Column("id")).fetchAll(db)
                .map { program in
                    let engine = try program.engineProgram()
                    let notBefore = program.startsAt.map { LocalDate($0, in: TimeZone(identifier: user.timezone) ?? .gmt) }
                    let standing = try engine.rule.progress(today: today, notBefore: notBefore, ledger: ledger)
                    let count = try AchievementRecord.filter(Column("userId") == userID && Column("programId") == program.id).fetchCount(db)
                    return Progress(program: program, current: standing.current, target: standing.target, achievements: count)
                }
        }
    }
}
