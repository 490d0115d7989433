public import Foundation
import GRDB
public import IncentiveEngine
import OpenSSLCrypto

/// Stores events and records the rewards they earn: event, evaluation and achievements in one
/// savepoint; if evaluation fails or passes its budget, that savepoint rolls back and a second one
/// stores the event with a durable job instead. Events of concurrent requests share a write
/// transaction (`GroupCommit`); each reply waits for the commit that holds its event.
public struct EventIntake: Sendable {
    let database: IncentiveDatabase
    public var evaluator: IncentiveEvaluator
    public var evaluationBudget: Duration
    private let commits: GroupCommit<Arrival, IntakeResult>

    /// An event as it reaches the writer, with the settings of the intake that took it.
    private struct Arrival: Sendable {
        let submission: EventSubmission
        let now: Date
        let evaluator: IncentiveEvaluator
        let budget: Duration
        let programs: ActiveProgramCache
    }

    public init(database: IncentiveDatabase, evaluator: IncentiveEvaluator = .init(), evaluationBudget: Duration = .milliseconds(250)) {
        self.database = database
        self.evaluator = evaluator
        self.evaluationBudget = evaluationBudget
        commits = GroupCommit(writer: database.writer, pace: .backToBack, apply: Self.record)
    }

    public func ingest(_ submission: EventSubmission, now: Date = Date()) async throws -> IntakeResult {
        let now = now.wholeMilliseconds
        do {
            try evaluator.validate(occurredAt: submission.occurredAt, now: now)
        } catch {
            throw IntakeError.eventInFuture
        }
        if let zone = submission.timezone, TimeZone(identifier: zone) == nil { throw IntakeError.unknownTimeZone(zone) }
        return try await commits.submit(Arrival(submission: submission, now: now, evaluator: evaluator, budget: evaluationBudget,
                                               programs: database.activePrograms))
    }

    private static func record(_ arrival: Arrival, in db: Database) throws -> IntakeResult {
        // The budget covers this event's evaluation, not its wait for the writer.
        let deadline = Deadline.after(arrival.budget)
        do {
            var result: IntakeResult?
            try db.inSavepoint {
                result = try store(arrival.submission, now: arrival.now, in: db) { event, db in
                    try evaluateForReply(event, db: db, arrival: arrival, deadline: deadline)
                }
                return .commit
            }
            guard let result else { throw EvaluationFailure(underlying: CancellationError()) }
            return result
        } catch is EvaluationFailure {
            return try store(arrival.submission, now: arrival.now, in: db) { event, db in
                try JobQueue.enqueue(event, now: arrival.now, in: db)
                return nil
            }
        }
    }

    /// Replays, refuses a conflict, or inserts the event and its activity, then runs `finish`,
    /// which returns the new achievements, or nil when evaluation is left to a job.
    private static func store(
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
        try event.insertOnWriterPath(db)
        try SQLiteActivityLedger.record(event, in: db)
        guard let achievements = try finish(event, db) else {
            event.evaluation = "pending"
            try event.update(db)
            return IntakeResult(outcome: .pending, event: event, achievements: [])
        }
        return IntakeResult(outcome: .created, event: event, achievements: achievements)
    }

    /// Evaluation that failed or ran out of time surfaces as `EvaluationFailure`, for the job fallback.
    private static func evaluateForReply(
        _ event: EventRecord, db: Database, arrival: Arrival, deadline: Deadline
    ) throws -> [AchievementRecord] {
        do {
            return try evaluateAndRecord(event, db: db, evaluator: arrival.evaluator, now: arrival.now, deadline: deadline,
                                         programs: arrival.programs)
        } catch {
            throw EvaluationFailure(underlying: error)
        }
    }

    /// Evaluates a stored event against its employer's programs (as at receipt) and records what it earns.
    /// - Parameter programsActiveAtReceipt: for a job, the programs that were active when the event
    ///   arrived (evaluated whatever their state now); nil for the employer's active programs now,
    ///   from `programs`.
    static func evaluateAndRecord(
        _ event: EventRecord, db: Database, evaluator: IncentiveEvaluator, now: Date, deadline: Deadline,
        programs cache: ActiveProgramCache, programsActiveAtReceipt: [String]? = nil
    ) throws -> [AchievementRecord] {
        guard let employerID = event.employerId, let zone = TimeZone(identifier: event.timezone) else { return [] }
        let programs: [Program]
        if let ids = programsActiveAtReceipt {
            programs = try ProgramRecord.filter(ids.contains(Column("id"))).order(Column("createdAt"), Column("id")).fetchAll(db)
                .map { var program = $0; program.active = true; return try program.engineProgram() }
        } else {
            programs = try cache.programs(employerID: employerID, in: db)
        }
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
            try record.insertOnWriterPath(db)
            return record
        }
    }
}

/// Evaluation failed or ran out of time: the caller falls back to a job.
struct EvaluationFailure: Error {
    let underlying: any Error
}
