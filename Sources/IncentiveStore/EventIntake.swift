public import Foundation
import GRDB
public import IncentiveEngine
import OpenSSLCrypto

/// Stores events and records the rewards they earn: event, evaluation and achievements in one
/// transaction; if evaluation fails or passes its budget, that transaction rolls back and a
/// second one stores the event with a durable job instead.
public struct EventIntake: Sendable {
    let database: IncentiveDatabase
    public var evaluator: IncentiveEvaluator
    public var evaluationBudget: Duration

    public init(database: IncentiveDatabase, evaluator: IncentiveEvaluator = .init(), evaluationBudget: Duration = .milliseconds(250)) {
        self.database = database
        self.evaluator = evaluator
        self.evaluationBudget = evaluationBudget
    }

    public func ingest(_ submission: EventSubmission, now: Date = Date()) async throws -> IntakeResult {
        let now = now.wholeMilliseconds
        do {
            try evaluator.validate(occurredAt: submission.occurredAt, now: now)
        } catch {
            throw IntakeError.eventInFuture
        }
        if let zone = submission.timezone, TimeZone(identifier: zone) == nil { throw IntakeError.unknownTimeZone(zone) }
        let budget = evaluationBudget
        do {
            return try await database.writer.write { db in
                // The budget covers this transaction's evaluation, not the wait for the writer.
                let deadline = Deadline.after(budget)
                return try store(submission, now: now, in: db) { event, db in
                    try evaluateAndRecord(event, db: db, now: now, deadline: deadline)
                }
            }
        } catch is EvaluationFailure {
            return try await database.writer.write { db in
                try store(submission, now: now, in: db) { event, db in
                    try JobQueue.enqueue(event, now: now, in: db)
                    return nil
                }
            }
        }
    }

    /// Replays, refuses a conflict, or inserts the event and its activity, then runs `finish`,
    /// which returns the new achievements, or nil when evaluation is left to a job.
    private func store(
        _ submission: EventSubmission, now: Date, in db: Database,
        finish: (EventRecord, Database) throws -> [AchievementRecord]?
    ) throws -> IntakeResult {
        // Cached statements on this path: it runs for every event inside the one write transaction.
        let existing = try db.cachedStatement(sql: "SELECT * FROM event WHERE userId = ? AND eventId = ?")
        if let stored = try EventRecord.fetchOne(existing, arguments: [submission.userID, submission.eventID]) {
            guard submission.isSameSubmission(as: stored) else { throw IntakeError.conflictingEvent }
            let achievements = try AchievementRecord.filter(Column("eventSeq") == stored.seq).order(Column("seq")).fetchAll(db)
            return IntakeResult(outcome: .replayed, event: stored, achievements: achievements)
        }
        let user = try UserRepository.findOrCreate(id: submission.userID, timezone: submission.timezone, now: now, in: db)
        let zone = submission.timezone ?? user.timezone
        var event = EventRecord(
            seq: nil, userId: user.id, eventId: submission.eventID, type: submission.type, value: submission.value,
            occurredAt: submission.occurredAt, timezone: zone, timezoneGiven: submission.timezone,
            localDay: LocalDate(submission.occurredAt, in: TimeZone(identifier: zone) ?? .gmt).dayNumber,
            employerId: user.employerId, evaluation: "complete", receivedAt: now)
        try event.insert(db)
        try SQLiteActivityLedger.record(event, in: db)
        guard let achievements = try finish(event, db) else {
            event.evaluation = "pending"
            try event.update(db)
            return IntakeResult(outcome: .pending, event: event, achievements: [])
        }
        return IntakeResult(outcome: .created, event: event, achievements: achievements)
    }

    private func evaluateAndRecord(_ event: EventRecord, db: Database, now: Date, deadline: Deadline) throws -> [AchievementRecord] {
        do {
            return try Self.evaluateAndRecord(event, db: db, evaluator: evaluator, now: now, deadline: deadline)
        } catch {
            throw EvaluationFailure(underlying: error)
        }
    }

    /// Evaluates a stored event against its employer's programs (as at receipt) and records what it earns.
    /// - Parameter programsActiveAtReceipt: for a job, the programs that were active when the event
    ///   arrived (evaluated whatever their state now); nil for the employer's active programs now.
    static func evaluateAndRecord(
        _ event: EventRecord, db: Database, evaluator: IncentiveEvaluator, now: Date, deadline: Deadline,
        programsActiveAtReceipt: [String]? = nil
    ) throws -> [AchievementRecord] {
        guard let employerID = event.employerId, let zone = TimeZone(identifier: event.timezone) else { return [] }
        let records: [ProgramRecord]
        if let ids = programsActiveAtReceipt {
            records = try ProgramRecord.filter(ids.contains(Column("id"))).order(Column("createdAt"), Column("id")).fetchAll(db)
                .map { var program = $0; program.active = true; return program }
        } else {
            records = try ProgramRecord.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM program WHERE employerId = ? AND active = 1 ORDER BY createdAt, id
                """), arguments: [employerID])
        }
        let programs = try records.map { try $0.engineProgram() }
        let engineEvent = Event(id: event.eventId, userID: event.userId, type: event.type, value: event.value,
                                occurredAt: event.occurredAt, timeZone: zone)
        let awards = try evaluator.evaluate(engineEvent, programs: programs,
                                            ledger: SQLiteActivityLedger(db: db, userID: event.userId), now: now, deadline: deadline)
        return try awards.map { award in
            var record = AchievementRecord(
                seq: nil, id: "ach_" + Hex.encode(SecureRandom.bytes(12)),
                userId: event.userId, employerId: employerID, programId: award.programID, programName: award.programName,
                incentive: award.incentive, rewardName: award.reward.name, rewardDescription: award.reward.description,
                rewardPayload: award.reward.payload, periodKey: award.periodKey, achievedAt: now,
                achievedOn: award.achievedOn.description, eventIds: JSONStringList.encode(award.eventIDs), eventSeq: event.seq!)
            try record.insert(db)
            return record
        }
    }
}

/// Evaluation failed or ran out of time: the caller falls back to a job.
struct EvaluationFailure: Error {
    let underlying: any Error
}
