public import Foundation
import GRDB
import IncentiveEngine

/// Durable evaluation jobs for events whose evaluation missed its budget or failed. A job's work
/// and its removal commit together, so a job run twice (after a crash) changes nothing.
public struct JobQueue: Sendable {
    let database: IncentiveDatabase
    public var evaluator: IncentiveEvaluator
    public var maximumAttempts: Int

    public init(database: IncentiveDatabase, evaluator: IncentiveEvaluator = .init(), maximumAttempts: Int = 5) {
        self.database = database
        self.evaluator = evaluator
        self.maximumAttempts = maximumAttempts
    }

    /// Queues the evaluation of an event against the programs that were active when it arrived.
    static func enqueue(_ event: EventRecord, now: Date, in db: Database) throws {
        let active = try event.employerId.map { employerID in
            try String.fetchAll(db, sql: "SELECT id FROM program WHERE employerId = ? AND active = 1 ORDER BY createdAt, id", arguments: [employerID])
        } ?? []
        let programIDs = String(decoding: try JSONEncoder().encode(active), as: UTF8.self)
        var job = JobRecord(id: nil, eventSeq: event.seq!, state: "queued", attempts: 0, runAfter: now, lastError: nil,
                            createdAt: now, programIds: programIDs)
        try job.insert(db)
    }

    /// Runs the jobs due at `now`, at most `limit`; returns how many it finished.
    @discardableResult
    public func runDue(now: Date = Date(), limit: Int = 100) async throws -> Int {
        let due = try await database.writer.read { db in
            try JobRecord.filter(Column("state") == "queued" && Column("runAfter") <= now)
                .order(Column("runAfter"), Column("id")).limit(limit).fetchAll(db)
        }
        var finished = 0
        for job in due {
            do {
                try await run(job)
                finished += 1
            } catch {
                try await recordFailure(of: job, error: error, now: now)
            }
        }
        return finished
    }

    private func run(_ job: JobRecord) async throws {
        let evaluator = evaluator
        try await database.writer.write { db in
            guard let current = try JobRecord.fetchOne(db, key: job.id), current.state == "queued",
                  var event = try EventRecord.fetchOne(db, key: job.eventSeq)
            else { return }  // already done by another run
            // Grace is measured from receipt, so a late job earns what a fast reply would have.
            let programIDs = try current.programIds.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
            _ = try EventIntake.evaluateAndRecord(event, db: db, evaluator: evaluator, now: event.receivedAt, deadline: .none,
                                                  programs: database.activePrograms, programsActiveAtReceipt: programIDs)
            event.evaluation = "complete"
            try event.update(db)
            try current.delete(db)
        }
    }

    private func recordFailure(of job: JobRecord, error: any Error, now: Date) async throws {
        let maximumAttempts = maximumAttempts
        try await database.writer.write { db in
            guard var current = try JobRecord.fetchOne(db, key: job.id) else { return }
            current.attempts += 1
            current.lastError = String(describing: error)
            current.state = current.attempts >= maximumAttempts ? "dead" : "queued"
            current.runAfter = now.addingTimeInterval(min(300, pow(2, Double(current.attempts))))
            try current.update(db)
        }
    }

    public func list(state: String? = nil) async throws -> [JobRecord] {
        try await database.writer.read { db in
            var request = JobRecord.order(Column("id"))
            if let state { request = request.filter(Column("state") == state) }
            return try request.fetchAll(db)
        }
    }

    /// Puts a dead (or any) job back in the queue; returns whether it existed.
    public func retry(id: Int64, now: Date = Date()) async throws -> Bool {
        try await database.writer.write { db in
            guard var job = try JobRecord.fetchOne(db, key: id) else { return false }
            job.state = "queued"
            job.attempts = 0
            job.runAfter = now
            try job.update(db)
            return true
        }
    }

    public func depth() async throws -> (queued: Int, dead: Int) {
        try await database.writer.read { db in
            (try JobRecord.filter(Column("state") == "queued").fetchCount(db),
             try JobRecord.filter(Column("state") == "dead").fetchCount(db))
        }
    }
}
