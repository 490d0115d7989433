import Foundation
import IncentiveEngine
import IncentiveStore
import Testing

@Suite("Event intake on a real SQLite file")
struct EventIntakeTests {
    @Test("five days in a row on SQLite: one achievement, recorded with the event")
    func fiveDays() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        try await f.program("five", try ConsecutiveDaysRule(days: 5, matcher: .init(types: ["mood"], value: nil)))
        var earned: [[String]] = []
        for day in (0...5).reversed() { earned.append(f.rewards(try await f.intake.ingest(f.submission("e\(day)", daysAgo: day), now: f.now))) }
        #expect(earned == [[], [], [], [], ["five"], []])
    }

    @Test("same event_id twice: one event, one achievement, replayed; another body: conflict")
    func idempotency() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        try await f.program("birth", try EventReportedRule(type: "fact", value: "gave birth"))
        let first = try await f.intake.ingest(f.submission("b1", type: "fact", value: "gave birth"), now: f.now)
        #expect(first.outcome == .created && f.rewards(first) == ["birth"])
        let again = try await f.intake.ingest(f.submission("b1", type: "fact", value: "gave birth"), now: f.now)
        #expect(again.outcome == .replayed)
        #expect(again.achievements.map(\.id) == first.achievements.map(\.id))
        await #expect(throws: IntakeError.conflictingEvent) {
            try await f.intake.ingest(f.submission("b1", type: "fact", value: "married"), now: f.now)
        }
        let second = try await f.intake.ingest(f.submission("b2", type: "fact", value: "gave birth"), now: f.now)
        #expect(second.outcome == .created && second.achievements.isEmpty)  // two births: one achievement
    }

    @Test("a repeatable count program on SQLite owes each ordinal once, also when one held in the middle is missing")
    func repeatableOrdinals() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        try await f.program("every", try EventReportedRule(type: "fact", value: nil), repeatable: true)
        func periods(_ id: String) async throws -> [String] {
            try await f.intake.ingest(f.submission(id, type: "fact"), now: f.now).achievements.map(\.periodKey).sorted()
        }
        #expect(try await periods("r1") == ["1"])
        #expect(try await periods("r2") == ["2"])
        #expect(try await periods("r3") == ["3"])
        try await f.database.writer.write { db in
            try db.execute(sql: "DELETE FROM partnerFeedEntry; DELETE FROM achievement WHERE periodKey = '2'")
        }
        #expect(try await periods("r4") == ["2", "4"])  // held 1 and 3: not a leading run, so asked period by period
        #expect(try await periods("r5") == ["5"])
    }

    @Test("64 concurrent events for one user: none lost, no duplicate achievement")
    func concurrentEvents() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        try await f.program("ten", try TotalEventsRule(count: 10, matcher: .init(types: nil, value: nil)))
        try await f.program("every ten", try TotalEventsRule(count: 10, matcher: .init(types: nil, value: nil)), repeatable: true)
        let intake = f.intake
        let results = try await withThrowingTaskGroup(of: IntakeResult.self) { group in
            for index in 0..<64 {
                group.addTask { try await intake.ingest(f.submission("c\(index)"), now: f.now) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // On a starved machine an evaluation may pass its budget: its job then finishes the work.
        #expect(results.count == 64 && results.allSatisfy { $0.outcome == .created || $0.outcome == .pending })
        try await JobQueue(database: f.database).runDue(now: f.now)
        let page = try await AchievementRepository(database: f.database).list(userID: "u1", after: nil, limit: 200)
        #expect(page.items.filter { $0.programName == "ten" }.count == 1)
        #expect(page.items.filter { $0.programName == "every ten" }.map(\.periodKey).sorted() == ["1", "2", "3", "4", "5", "6"])
    }

    @Test("unknown user, user without employer, inactive or ended program: stored, no reward")
    func noReward() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u2", employer: nil)
        try await f.user("u3")
        try await f.program("off", try EventReportedRule(type: "fact", value: nil), active: false)
        try await f.program("ended", try EventReportedRule(type: "fact", value: nil), endsAt: f.now.addingTimeInterval(-3600))
        for user in ["new-user", "u2", "u3"] {
            let result = try await f.intake.ingest(f.submission("x", user: user, type: "fact", timezone: "Europe/Berlin"), now: f.now)
            #expect(result.outcome == .created && result.achievements.isEmpty)
        }
        let created = try #require(try await UserRepository(database: f.database).find("new-user"))
        #expect(created.employerId == nil && created.timezone == "Europe/Berlin")
    }

    @Test("unknown time zone and future events are refused before anything is stored")
    func refusals() async throws {
        let f = try StoreFixture()
        await #expect(throws: IntakeError.unknownTimeZone("Mars/Olympus")) {
            try await f.intake.ingest(f.submission("t", timezone: "Mars/Olympus"), now: f.now)
        }
        await #expect(throws: IntakeError.eventInFuture) {
            try await f.intake.ingest(f.submission("t", daysAgo: -1), now: f.now)
        }
        #expect(try await UserRepository(database: f.database).find("u1") == nil)
    }

    @Test("past its budget the event commits with a job; the job awards once, however often it runs")
    func asyncFallback() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        try await f.program("birth", try EventReportedRule(type: "fact", value: nil))
        var slow = f.intake
        slow.evaluationBudget = .zero
        let pending = try await slow.ingest(f.submission("p1", type: "fact"), now: f.now)
        #expect(pending.outcome == .pending && pending.achievements.isEmpty && pending.event.evaluation == "pending")
        let queue = JobQueue(database: f.database)
        #expect(try await queue.list().count == 1)
        #expect(try await queue.runDue(now: f.now) == 1)
        #expect(try await queue.runDue(now: f.now) == 0)
        let replay = try await f.intake.ingest(f.submission("p1", type: "fact"), now: f.now)
        #expect(replay.outcome == .replayed && f.rewards(replay) == ["birth"] && replay.event.evaluation == "complete")
        #expect(try await queue.list().isEmpty)
    }

    @Test("runs longer than one lookup chunk are measured whole (repeatable windows over 200 days)")
    func longRuns() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        var intake = f.intake
        intake.evaluator.graceWindow = 400 * 86_400
        for day in (1...200).reversed() { _ = try await intake.ingest(f.submission("h\(day)", daysAgo: day), now: f.now) }
        try await f.program("every 50", try ConsecutiveDaysRule(days: 50, matcher: .init(types: ["mood"], value: nil)), repeatable: true)
        // Today joins a 201-day run: windows 1-50, 51-100, 101-150, 151-200 all complete at once.
        let result = try await intake.ingest(f.submission("today"), now: f.now)
        #expect(result.achievements.count == 4)
        let progress = try await AchievementRepository(database: f.database).progress(userID: "u1", now: f.now)
        #expect(progress.first?.current == 201 && progress.first?.target == 50 && progress.first?.achievements == 4)
    }
}

@Suite("Evaluation jobs")
struct JobQueueTests {
    @Test("a job that keeps failing is retried with backoff, parked as dead, and can be retried")
    func poisonJob() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        let program = try await f.program("birth", try EventReportedRule(type: "fact", value: nil))
        // Break the program's stored parameters so that every evaluation throws.
        try await f.database.writer.write { db in
            try db.execute(sql: "UPDATE program SET parameters = 'not json' WHERE id = ?", arguments: [program.id])
        }
        let result = try await f.intake.ingest(f.submission("p", type: "fact"), now: f.now)
        #expect(result.outcome == .pending)  // a failing evaluation falls back to a job too
        let queue = JobQueue(database: f.database, maximumAttempts: 3)
        var now = f.now
        for _ in 0..<3 {
            #expect(try await queue.runDue(now: now) == 0)
            now = now.addingTimeInterval(600)
        }
        let dead = try await queue.list(state: "dead")
        #expect(dead.count == 1 && dead[0].attempts == 3 && dead[0].lastError != nil)
        #expect(try await queue.runDue(now: now) == 0)  // dead jobs are not run

        try await f.database.writer.write { db in
            try db.execute(sql: #"UPDATE program SET parameters = '{"type":"fact"}' WHERE id = ?"#, arguments: [program.id])
        }
        #expect(try await queue.retry(id: dead[0].id!, now: now))
        #expect(try await queue.runDue(now: now) == 1)
        let page = try await AchievementRepository(database: f.database).list(userID: "u1", after: nil, limit: 10)
        #expect(page.items.map(\.programName) == ["birth"])
    }
}

@Suite("Jobs evaluate against the programs active at receipt")
struct JobProgramsAtReceiptTests {
    @Test("a program deactivated after receipt still awards a pending event; one created after does not")
    func activeAtReceipt() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        let before = try await f.program("before", try EventReportedRule(type: "fact", value: nil))
        var slow = f.intake
        slow.evaluationBudget = .zero
        #expect(try await slow.ingest(f.submission("p", type: "fact"), now: f.now).outcome == .pending)
        _ = try await ProgramRepository(database: f.database).update(employerID: "1", programID: before.id, .init(active: false))
        try await f.program("after", try EventReportedRule(type: "fact", value: nil))
        #expect(try await JobQueue(database: f.database).runDue(now: f.now) == 1)
        let page = try await AchievementRepository(database: f.database).list(userID: "u1", after: nil, limit: 10)
        #expect(page.items.map(\.programName) == ["before"])
    }
}
