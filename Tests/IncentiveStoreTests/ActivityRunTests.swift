import Foundation
import GRDB
import IncentiveEngine
@testable import IncentiveStore
import Synchronization
import Testing

@Suite("Runs of active days on SQLite")
struct ActivityRunTests {
    /// The run as the definition says: the active days next to `day`, none before `floor`.
    static func expectedRun(_ active: Set<Int>, day: Int, floor: Int) -> ClosedRange<Int>? {
        guard day >= floor, active.contains(day) else { return nil }
        var start = day
        while start - 1 >= floor, active.contains(start - 1) { start -= 1 }
        var end = day
        while active.contains(end + 1) { end += 1 }
        return start...end
    }

    @Test("the walk over 64-date blocks finds the same run as a day-by-day one, for runs of every length and floor")
    func matchesDayByDay() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        var generator = SystemRandomNumberGenerator()
        let matchers = [
            EventMatcher(types: ["mood"], value: nil),
            EventMatcher(types: ["mood", "sleep"], value: nil),
            EventMatcher(types: ["mood"], value: "good"),
        ]
        for trial in 0..<150 {
            // Dates either side of 1970 (negative day numbers) and runs from one date to hundreds.
            let span = Int.random(in: 50...900, using: &generator)
            let offset = Int.random(in: -400...400, using: &generator)
            let density = Double.random(in: 0.5...1, using: &generator)
            let dates = (offset..<(offset + span)).filter { _ in Double.random(in: 0...1, using: &generator) < density }
            let moods = Dictionary(uniqueKeysWithValues: dates.map { ($0, ["good", "ok", nil].randomElement(using: &generator)!) })
            let sleeps = Set((offset..<(offset + span)).filter { _ in Bool.random(using: &generator) })
            let matcher = matchers.randomElement(using: &generator)!
            let active: Set<Int> = switch (matcher.types?.count, matcher.value) {
            case (2, _): Set(moods.keys).union(sleeps)
            case (_, "good"?): Set(moods.filter { $0.value == "good" }.keys)
            default: Set(moods.keys)
            }
            let day = Int.random(in: offset..<(offset + span), using: &generator)
            let floor: Int? = Bool.random(using: &generator) ? Int.random(in: offset..<(offset + span), using: &generator) : nil
            let found = try await f.database.writer.write { db in
                try db.execute(sql: "DELETE FROM activityDay")
                try #require(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM activityMask") == 0)
                let insert = "INSERT INTO activityDay (userId, type, hasValue, value, localDay, events) VALUES ('u1', ?, ?, ?, ?, 1)"
                for (localDay, value) in moods {
                    try db.execute(sql: insert, arguments: ["mood", value != nil, value ?? "", localDay])
                }
                for localDay in sleeps {
                    try db.execute(sql: insert, arguments: ["sleep", false, "", localDay])
                }
                return try SQLiteActivityLedger(db: db, userID: "u1")
                    .run(containing: LocalDate(dayNumber: day), matching: matcher, notBefore: floor.map { LocalDate(dayNumber: $0) })
            }
            let expected = Self.expectedRun(active, day: day, floor: floor ?? Int.min)
            #expect(found.map { $0.lowerBound.dayNumber...$0.upperBound.dayNumber } == expected,
                    "trial \(trial): day \(day), floor \(floor.map(String.init) ?? "none"), \(matcher)")
        }
    }

    @Test("the migration builds the blocks from the dates already stored")
    func migrationBackfillsBlocks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("masks-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try IncentiveDatabase.migrator.migrate(queue, upTo: "v12-feed-follows-every-grant-change")
        let days = [-65, -64, -1, 0, 1, 63, 64, 127, 128, 1000]
        try queue.write { db in
            for day in days {
                try db.execute(sql: "INSERT INTO activityDay (userId, type, hasValue, value, localDay, events) VALUES ('u1', 'mood', 0, '', ?, 1)",
                               arguments: [day])
            }
        }
        try IncentiveDatabase.migrator.migrate(queue)
        let stored = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT block, days FROM activityMask ORDER BY block").map { ($0[0] as Int, UInt64(bitPattern: $0[1] as Int64)) }
        }
        var expected: [Int: UInt64] = [:]
        for day in days { expected[day >> 6, default: 0] |= 1 << UInt64(day & 63) }
        #expect(stored.map(\.0) == expected.keys.sorted())
        #expect(stored.map(\.1) == expected.keys.sorted().map { expected[$0]! })
    }

    @Test("after new, moved and removed dates the blocks are what a recount of activityDay gives")
    func blocksFollowEveryChange() async throws {
        let f = try StoreFixture()
        let recount = """
            SELECT userId, localDay >> 6 AS block, type, hasValue, value, SUM(1 << (localDay & 63)) AS days FROM activityDay
            GROUP BY userId, localDay >> 6, type, hasValue, value ORDER BY 1, 2, 3, 4, 5
            """
        let changes = [
            "INSERT INTO activityDay (userId, type, hasValue, value, localDay, events) VALUES ('u1', 'mood', 0, '', 5, 1), ('u1', 'mood', 0, '', 63, 1), ('u1', 'mood', 1, 'good', 64, 2), ('u2', 'sleep', 0, '', -1, 1)",
            "UPDATE activityDay SET events = events + 1 WHERE localDay = 5",
            "UPDATE activityDay SET localDay = 200 WHERE localDay = 63",
            "UPDATE activityDay SET type = 'sleep', userId = 'u2' WHERE localDay = 64",
            "DELETE FROM activityDay WHERE localDay = 5",
            "DELETE FROM activityDay",
        ]
        for change in changes {
            try await f.database.writer.write { db in
                try db.execute(sql: change)
                let blocks = try Row.fetchAll(db, sql: "SELECT userId, block, type, hasValue, value, days FROM activityMask ORDER BY 1, 2, 3, 4, 5")
                #expect(blocks == (try Row.fetchAll(db, sql: recount)), "after \(change)")
            }
        }
    }

    @Test("programs that share a matcher share one run walk per event (5-, 3- and 2-in-a-row of the same logs)")
    func sharedMatcherWalksOnce() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        for day in [3, 2, 1] {  // before any program existed
            _ = try await f.intake.ingest(f.submission("e\(day)", value: "perfect", daysAgo: day), now: f.now)
        }
        let matcher = EventMatcher(types: ["mood"], value: "perfect")
        for days in [5, 3, 2] {
            try await f.program("\(days) in a row", try ConsecutiveDaysRule(days: days, matcher: matcher))
        }
        let blockReads = Atomic(0)
        try await f.database.writer.writeWithoutTransaction { db in
            db.trace { event in
                if "\(event)".contains("FROM activityMask") { blockReads.add(1, ordering: .relaxed) }
            }
        }
        let today = try await f.intake.ingest(f.submission("e0", value: "perfect"), now: f.now)
        try await f.database.writer.writeWithoutTransaction { db in db.trace(options: [], nil) }
        #expect(f.rewards(today) == ["2 in a row", "3 in a row"])
        #expect(blockReads.load(ordering: .relaxed) == 1)
    }
}
