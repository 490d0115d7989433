import GRDB
import IncentiveEngine

/// Answers the engine's questions from the indexed `activityDay` table and `achievement`'s unique
/// key, inside the caller's transaction. Runs are found by walking dates in chunks from the
/// event's date, so a question costs the length of the run, never the size of the history. Chunks
/// start small and double, so a short run reads about its own length of days, and a long one
/// still takes few queries.
struct SQLiteActivityLedger: ActivityLedger {
    let db: Database
    let userID: String
    private static let firstChunk = 8
    private static let largestChunk = 64

    func run(containing date: LocalDate, matching matcher: EventMatcher, notBefore: LocalDate?) throws -> ClosedRange<LocalDate>? {
        let floor = notBefore?.dayNumber ?? Int.min
        guard date.dayNumber >= floor, try !activeDays(matcher, from: date.dayNumber, to: date.dayNumber).isEmpty else { return nil }
        var start = date.dayNumber
        var chunk = Self.firstChunk
        while start > floor {
            let lower = max(floor, start - chunk)
            let extended = leadingRun(in: try activeDays(matcher, from: lower, to: start - 1).reversed(), from: start - 1, step: -1)
            start -= extended
            if extended < start + extended - lower { break }  // the run ended inside this chunk
            chunk = min(2 * chunk, Self.largestChunk)
        }
        var end = date.dayNumber
        chunk = Self.firstChunk
        while true {
            let extended = leadingRun(in: try activeDays(matcher, from: end + 1, to: end + chunk), from: end + 1, step: 1)
            end += extended
            if extended < chunk { break }
            chunk = min(2 * chunk, Self.largestChunk)
        }
        return LocalDate(dayNumber: start)...LocalDate(dayNumber: end)
    }

    /// Without a lower bound, a sum over the user's running totals (one row per type and value);
    /// with one, over the days since.
    func eventCount(matching matcher: EventMatcher, notBefore: LocalDate?) throws -> Int {
        var (sql, arguments) = filter(matcher)
        guard let notBefore else {
            let statement = try db.cachedStatement(sql: "SELECT COALESCE(SUM(events), 0) FROM activityTotal WHERE " + sql)
            return try Int.fetchOne(statement, arguments: arguments) ?? 0
        }
        sql += " AND localDay >= ?"
        arguments += [notBefore.dayNumber]
        let statement = try db.cachedStatement(sql: "SELECT COALESCE(SUM(events), 0) FROM activityDay WHERE " + sql)
        return try Int.fetchOne(statement, arguments: arguments) ?? 0
    }

    func heldOrdinals(programID: String) throws -> HeldOrdinals {
        // One row of the tally the achievement triggers keep (Schema.createAchievementTally).
        let statement = try db.cachedStatement(sql: "SELECT held, highest FROM achievementTally WHERE userId = ? AND programId = ?")
        let row = try Row.fetchOne(statement, arguments: [userID, programID])
        return HeldOrdinals(count: row?[0] ?? 0, highest: row?[1] ?? 0)
    }

    func earnedOnce(among programIDs: [String]) throws -> Set<String> {
        let placeholders = Array(repeating: "?", count: programIDs.count).joined(separator: ",")
        let statement = try db.cachedStatement(sql: """
            SELECT programId FROM achievement WHERE userId = ? AND periodKey = ? AND programId IN (\(placeholders))
            """)
        return Set(try String.fetchAll(statement, arguments: StatementArguments([userID, RewardPolicy.oncePeriodKey] + programIDs)))
    }

    /// One statement either way. A few keys are each a lookup on the unique key, so the cost
    /// follows the keys asked about, not the periods a long history already holds. Many keys (a
    /// repeatable count rule re-completes every period up to its total, so a long history asks about
    /// dozens) are answered from one range read of the program's held periods, which reads the
    /// index in order instead of descending it once per key.
    func awardedPeriods(programID: String, among periodKeys: [String]) throws -> Set<String> {
        guard !periodKeys.isEmpty else { return [] }
        if periodKeys.count > Self.largestKeyLookup {
            let statement = try db.cachedStatement(sql: "SELECT periodKey FROM achievement WHERE userId = ? AND programId = ?")
            return Set(try String.fetchAll(statement, arguments: [userID, programID])).intersection(periodKeys)
        }
        let placeholders = Array(repeating: "?", count: periodKeys.count).joined(separator: ",")
        let statement = try db.cachedStatement(sql: """
            SELECT periodKey FROM achievement WHERE userId = ? AND programId = ? AND periodKey IN (\(placeholders))
            """)
        return Set(try String.fetchAll(statement, arguments: StatementArguments([userID, programID] + periodKeys)))
    }

    private static let largestKeyLookup = 4

    /// How many of `days` (sorted in the walking direction) continue a run from `first` on.
    private func leadingRun(in days: some Sequence<Int>, from first: Int, step: Int) -> Int {
        var count = 0
        for day in days {
            guard day == first + step * count else { break }
            count += 1
        }
        return count
    }

    private func activeDays(_ matcher: EventMatcher, from: Int, to: Int) throws -> [Int] {
        guard from <= to else { return [] }
        let (sql, arguments) = filter(matcher)
        let statement = try db.cachedStatement(sql: """
            SELECT DISTINCT localDay FROM activityDay WHERE \(sql) AND localDay BETWEEN ? AND ? ORDER BY localDay
            """)
        return try Int.fetchAll(statement, arguments: arguments + [from, to])
    }

    private func filter(_ matcher: EventMatcher) -> (String, StatementArguments) {
        var sql = "userId = ?"
        var arguments: StatementArguments = [userID]
        if let types = matcher.types {
            sql += " AND type IN (\(types.map { _ in "?" }.joined(separator: ",")))"
            arguments += StatementArguments(types)
        }
        if let value = matcher.value {
            sql += " AND hasValue = 1 AND value = ?"
            arguments += [value]
        }
        return (sql, arguments)
    }

    /// Counts `event` into the activity table.
    static func record(_ event: EventRecord, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO activityDay (userId, type, hasValue, value, localDay, events) VALUES (?, ?, ?, ?, ?, 1)
            ON CONFLICT DO UPDATE SET events = events + 1
            """).execute(arguments: [event.userId, event.type, event.value != nil, event.value ?? "", event.localDay])
        try db.cachedStatement(sql: """
            INSERT INTO activityTotal (userId, type, hasValue, value, events) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT DO UPDATE SET events = events + 1
            """).execute(arguments: [event.userId, event.type, event.value != nil, event.value ?? ""])
    }
}
