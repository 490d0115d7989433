import Foundation
import GRDB
import IncentiveEngine
@testable import IncentiveStore
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

    @Test("the chunked walk finds the same run as a day-by-day one, for runs of every length and floor")
    func matchesDayByDay() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        var generator = SystemRandomNumberGenerator()
        let matcher = EventMatcher(types: ["mood"], value: nil)
        for trial in 0..<150 {
            let density = Double.random(in: 0.5...0.99, using: &generator)
            let moods = Set((0..<400).filter { _ in Double.random(in: 0...1, using: &generator) < density })
            let sleeps = Set((0..<400).filter { _ in Bool.random(using: &generator) })
            let day = Int.random(in: 0..<400, using: &generator)
            let floor: Int? = Bool.random(using: &generator) ? Int.random(in: 0..<400, using: &generator) : nil
            let found = try await f.database.writer.write { db in
                try db.execute(sql: "DELETE FROM activityDay")
                for (type, days) in [("mood", moods), ("sleep", sleeps)] {
                    for localDay in days {
                        try db.execute(sql: """
                            INSERT INTO activityDay (userId, type, hasValue, value, localDay, events) VALUES ('u1', ?, 0, '', ?, 1)
                            """, arguments: [type, localDay])
                    }
                }
                return try SQLiteActivityLedger(db: db, userID: "u1")
                    .run(containing: LocalDate(dayNumber: day), matching: matcher, notBefore: floor.map { LocalDate(dayNumber: $0) })
            }
            let expected = Self.expectedRun(moods, day: day, floor: floor ?? Int.min)
            #expect(found.map { $0.lowerBound.dayNumber...$0.upperBound.dayNumber } == expected,
                    "trial \(trial): day \(day), floor \(floor.map(String.init) ?? "none")")
        }
    }
}
