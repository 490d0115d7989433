import Foundation
import IncentiveEngine

/// An in-memory ledger: the same answers the store gives, computed by brute force.
final class MemoryLedger: ActivityLedger {
    private(set) var events: [Event] = []
    private(set) var awards: [Award] = []
    /// How often a rule asked for a run (to see which rules were evaluated).
    private(set) var runQuestions = 0

    func record(_ event: Event) { events.append(event) }
    func grant(_ new: [Award]) { awards += new }

    func run(containing date: LocalDate, matching matcher: EventMatcher, notBefore: LocalDate?) -> ClosedRange<LocalDate>? {
        runQuestions += 1
        let active = Set(events.filter { matcher.matches($0) && $0.localDate >= (notBefore ?? $0.localDate) }.map(\.localDate))
        guard active.contains(date) else { return nil }
        var start = date
        while active.contains(start.adding(days: -1)) { start = start.adding(days: -1) }
        var end = date
        while active.contains(end.adding(days: 1)) { end = end.adding(days: 1) }
        return start...end
    }

    func eventCount(matching matcher: EventMatcher, notBefore: LocalDate?) -> Int {
        events.filter { matcher.matches($0) && $0.localDate >= (notBefore ?? $0.localDate) }.count
    }

    func heldOrdinals(programID: String) -> HeldOrdinals {
        let held = awards.filter { $0.programID == programID }
        let ordinals = held.compactMap { key in Int(key.periodKey).flatMap { $0 > 0 && String($0) == key.periodKey ? $0 : nil } }
        return HeldOrdinals(count: held.count, highest: ordinals.count == held.count ? ordinals.max() ?? 0 : -1)
    }

    func earnedOnce(among programIDs: [String]) -> Set<String> {
        Set(awards.filter { programIDs.contains($0.programID) && $0.periodKey == RewardPolicy.oncePeriodKey }.map(\.programID))
    }

    func awardedPeriods(programID: String, among periodKeys: [String]) -> Set<String> {
        Set(awards.filter { $0.programID == programID && periodKeys.contains($0.periodKey) }.map(\.periodKey))
    }
}

/// One user in one time zone with a fixed "now", logging events against some programs.
final class Scenario {
    let timeZone: TimeZone
    let now: Date
    let ledger = MemoryLedger()
    var programs: [Program] = []
    var evaluator = IncentiveEvaluator()
    private var nextID = 0

    /// "Now" is 2026-03-18 12:00 local by default: a Wednesday, 11 days before Europe's DST change.
    init(timeZone: String = "Europe/Berlin", now: String = "2026-03-18T12:00:00+01:00") {
        self.timeZone = TimeZone(identifier: timeZone)!
        self.now = ISO8601DateFormatter().date(from: now)!
    }

    @discardableResult
    func program(_ name: String, _ rule: any IncentiveRule, reward: String? = nil, repeatable: Bool = false,
                 active: Bool = true, startsAt: Date? = nil, endsAt: Date? = nil) -> Program {
        let program = Program(id: "p\(programs.count + 1)", employerID: "e1", name: name, rule: rule,
                              reward: Reward(name: reward ?? name), repeatable: repeatable, active: active,
                              startsAt: startsAt, endsAt: endsAt)
        programs.append(program)
        return program
    }

    /// The local instant `daysAgo` days before today at `hour`:`minute`.
    func instant(daysAgo: Int, hour: Int = 12, minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        let day = calendar.date(byAdding: .day, value: -daysAgo, to: today)!
        return calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day)!
    }

    /// Logs an event, evaluates it like the service does, and returns the rewards it earned.
    @discardableResult
    func log(_ type: String, _ value: String? = nil, at instant: Date) throws -> [String] {
        nextID += 1
        let event = Event(id: "ev\(nextID)", userID: "u1", type: type, value: value, occurredAt: instant, timeZone: timeZone)
        try evaluator.validate(occurredAt: instant, now: now)
        ledger.record(event)
        let awards = try evaluator.evaluate(event, programs: programs, ledger: ledger, now: now)
        ledger.grant(awards)
        return awards.map(\.reward.name).sorted()
    }

    @discardableResult
    func log(_ type: String, _ value: String? = nil, daysAgo: Int, hour: Int = 12) throws -> [String] {
        try log(type, value, at: instant(daysAgo: daysAgo, hour: hour))
    }

    static func days(_ days: Int, types: [String]? = ["mood"], value: String? = nil) -> ConsecutiveDaysRule {
        try! ConsecutiveDaysRule(days: days, matcher: EventMatcher(types: types, value: value))
    }
}
