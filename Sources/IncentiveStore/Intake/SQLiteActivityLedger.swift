import GRDB
import IncentiveEngine
import Synchronization

/// Answers the engine's questions from the per-user activity tables and `achievement`'s tally
/// and unique key, inside the caller's transaction. Runs are found in `activityMask`, the active
/// dates as bits of 64-date blocks: the blocks around the event's date first, then further blocks
/// in doubling steps while the run reaches the edge of what was read, so a question costs a few
/// short reads whatever the length of the run, and never depends on the size of the history.
struct SQLiteActivityLedger: ActivityLedger {
    let db: Database
    let userID: String
    private static let largestStep = 16

    func run(containing date: LocalDate, matching matcher: EventMatcher, notBefore: LocalDate?) throws -> ClosedRange<LocalDate>? {
        let question = MatcherQuestion(matcher: matcher, notBefore: notBefore, date: date)
        if let known = answers.runs[question] { return known }
        let run = try walkRun(containing: date, matching: matcher, notBefore: notBefore)
        answers.runs[question] = run
        return run
    }

    private func walkRun(containing date: LocalDate, matching matcher: EventMatcher, notBefore: LocalDate?) throws -> ClosedRange<LocalDate>? {
        let floor = notBefore?.dayNumber ?? Int.min
        let day = date.dayNumber
        guard day >= floor else { return nil }
        let block = ActiveDayBlocks.block(of: day)
        var days = ActiveDayBlocks(firstBlock: block - 1, masks: try masks(matcher, blocks: (block - 1)..<(block + 2)))
        guard days.contains(day) else { return nil }
        let start = try runStart(from: day, floor: floor, in: &days, matcher)
        let end = try runEnd(from: day, in: &days, matcher)
        return LocalDate(dayNumber: start)...LocalDate(dayNumber: end)
    }

    /// The first date of the run through `day`, not before `floor`, reading earlier blocks while
    /// the run reaches the first one read.
    private func runStart(from day: Int, floor: Int, in days: inout ActiveDayBlocks, _ matcher: EventMatcher) throws -> Int {
        var start = day
        var step = 1
        while true {
            while start > max(floor, days.firstDay), days.contains(start - 1) { start -= 1 }
            guard start == days.firstDay, start > floor else { return start }
            let earliest = max(days.firstBlock - step, ActiveDayBlocks.block(of: floor))  // none wholly before the floor
            days.prepend(try masks(matcher, blocks: earliest..<days.firstBlock))
            step = min(2 * step, Self.largestStep)
        }
    }

    /// The last date of the run through `day`, reading later blocks while the run reaches the last one read.
    private func runEnd(from day: Int, in days: inout ActiveDayBlocks, _ matcher: EventMatcher) throws -> Int {
        var end = day
        var step = 1
        while true {
            while end < days.lastDay, days.contains(end + 1) { end += 1 }
            guard end == days.lastDay else { return end }
            days.append(try masks(matcher, blocks: days.endBlock..<(days.endBlock + step)))
            step = min(2 * step, Self.largestStep)
        }
    }

    /// The union of the matching series' bits, one mask per block of `blocks`.
    private func masks(_ matcher: EventMatcher, blocks: Range<Int>) throws -> [UInt64] {
        var masks = [UInt64](repeating: 0, count: blocks.count)
        let statement = try db.cachedStatement(sql: Self.sql(.blockMasks, for: matcher))
        let rows = try Row.fetchCursor(statement, arguments: arguments(matcher) + [blocks.lowerBound, blocks.upperBound - 1])
        while let row = try rows.next() {
            masks[(row[0] as Int) - blocks.lowerBound] |= UInt64(bitPattern: row[1] as Int64)
        }
        return masks
    }

    /// Without a lower bound, a sum over the user's running totals (one row per type and value);
    /// with one, over the days since.
    func eventCount(matching matcher: EventMatcher, notBefore: LocalDate?) throws -> Int {
        let question = MatcherQuestion(matcher: matcher, notBefore: notBefore, date: nil)
        if let known = answers.counts[question] { return known }
        let count = try countEvents(matching: matcher, notBefore: notBefore)
        answers.counts[question] = count
        return count
    }

    private func countEvents(matching matcher: EventMatcher, notBefore: LocalDate?) throws -> Int {
        guard let notBefore else {
            let statement = try db.cachedStatement(sql: Self.sql(.total, for: matcher))
            return try Int.fetchOne(statement, arguments: arguments(matcher)) ?? 0
        }
        let statement = try db.cachedStatement(sql: Self.sql(.since, for: matcher))
        return try Int.fetchOne(statement, arguments: arguments(matcher) + [notBefore.dayNumber]) ?? 0
    }

    func heldOrdinals(programID: String) throws -> HeldOrdinals {
        try heldByProgram()[programID] ?? HeldOrdinals(count: 0, highest: 0)
    }

    /// A program that rewards once only ever holds the period `RewardPolicy.oncePeriodKey`, so
    /// holding anything of it means it was earned.
    func earnedOnce(among programIDs: [String]) throws -> Set<String> {
        let held = try heldByProgram()
        return Set(programIDs.filter { (held[$0]?.count ?? 0) > 0 })
    }

    /// The user's rows of the tally the achievement triggers keep (Migration09AchievementTally):
    /// one range read of them answers every once-program and every count program, which took a
    /// lookup each.
    private func heldByProgram() throws -> [String: HeldOrdinals] {
        if let held = answers.held { return held }
        let statement = try db.cachedStatement(sql: "SELECT programId, held, highest FROM achievementTally WHERE userId = ?")
        var held: [String: HeldOrdinals] = [:]
        let rows = try Row.fetchCursor(statement, arguments: [userID])
        while let row = try rows.next() {
            held[row[0]] = HeldOrdinals(count: row[1], highest: row[2])
        }
        answers.held = held
        return held
    }

    /// Answers kept for the rest of the evaluation this ledger serves (one event's, or one
    /// progress report's): nothing it asks about changes meanwhile, since awards are recorded only
    /// after it. Programs often share a matcher (5, 3 and 2 days in a row of the same logs), and
    /// the once- and count programs all read the same tally.
    private final class Answers {
        var held: [String: HeldOrdinals]?
        var runs: [MatcherQuestion: ClosedRange<LocalDate>?] = [:]
        var counts: [MatcherQuestion: Int] = [:]
    }

    private struct MatcherQuestion: Hashable {
        let matcher: EventMatcher
        let notBefore: LocalDate?
        let date: LocalDate?
    }

    private let answers = Answers()

    /// One statement either way, and its cost follows the keys asked about, not the periods a long
    /// history already holds. A few keys are each a lookup on the unique key. Many keys (every
    /// window of a long run, or every ordinal of an irregular count holding) are answered from one
    /// range read of the unique key between the smallest and largest key asked about, in SQLite's
    /// byte order (date keys of a run are close together); it used to read every held period.
    func awardedPeriods(programID: String, among periodKeys: [String]) throws -> Set<String> {
        guard !periodKeys.isEmpty else { return [] }
        if periodKeys.count > Self.largestKeyLookup {
            let byBytes = { (left: String, right: String) in left.utf8.lexicographicallyPrecedes(right.utf8) }
            let statement = try db.cachedStatement(sql: """
                SELECT periodKey FROM achievement WHERE userId = ? AND programId = ? AND periodKey BETWEEN ? AND ?
                """)
            let range: StatementArguments = [userID, programID, periodKeys.min(by: byBytes), periodKeys.max(by: byBytes)]
            return Set(try String.fetchAll(statement, arguments: range)).intersection(periodKeys)
        }
        let placeholders = Self.placeholders(periodKeys.count)
        let statement = try db.cachedStatement(sql: """
            SELECT periodKey FROM achievement WHERE userId = ? AND programId = ? AND periodKey IN (\(placeholders))
            """)
        return Set(try String.fetchAll(statement, arguments: StatementArguments([userID, programID] + periodKeys)))
    }

    private static let largestKeyLookup = 4

    private func arguments(_ matcher: EventMatcher) -> StatementArguments {
        var arguments: StatementArguments = [userID]
        if let types = matcher.types { arguments += StatementArguments(types) }
        if let value = matcher.value { arguments += [value] }
        return arguments
    }

    /// The questions about a matcher's events. Their SQL depends only on the question, how many
    /// types the matcher names and whether it asks for a value, so each text is made once: building
    /// it for every question was a twentieth of the writer's time.
    private enum Question: Hashable {
        case blockMasks, total, since
    }

    private struct Shape: Hashable {
        let question: Question
        let types: Int?
        let hasValue: Bool
    }

    private static let statements = Mutex<[Shape: String]>([:])

    private static func sql(_ question: Question, for matcher: EventMatcher) -> String {
        let shape = Shape(question: question, types: matcher.types?.count, hasValue: matcher.value != nil)
        if let sql = statements.withLock({ $0[shape] }) { return sql }
        var filter = "userId = ?"
        if let types = shape.types { filter += " AND type IN (" + placeholders(types) + ")" }
        if shape.hasValue { filter += " AND hasValue = 1 AND value = ?" }
        let sql = switch question {
        case .blockMasks: "SELECT block, days FROM activityMask WHERE \(filter) AND block BETWEEN ? AND ?"
        case .total: "SELECT COALESCE(SUM(events), 0) FROM activityTotal WHERE \(filter)"
        case .since: "SELECT COALESCE(SUM(events), 0) FROM activityDay WHERE \(filter) AND localDay >= ?"
        }
        statements.withLock { $0[shape] = sql }
        return sql
    }

    /// `?,?,…`: statements are built for every question the engine asks, so the short lists are made once.
    private static func placeholders(_ count: Int) -> String {
        count < placeholderLists.count ? placeholderLists[count] : Array(repeating: "?", count: count).joined(separator: ",")
    }

    private static let placeholderLists = (0...16).map { Array(repeating: "?", count: $0).joined(separator: ",") }

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
