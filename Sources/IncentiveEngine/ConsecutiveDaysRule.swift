import Foundation

/// Achieved when the event's date completes a run of `days` consecutive local dates, each with a
/// matching event. Repeatable programs split a run into windows of `days` from its first date.
public struct ConsecutiveDaysRule: IncentiveRule {
    public static let kind = "consecutive-days"
    public static let summary = "Log matching events on a number of consecutive days."
    public static let parameterHelp = [
        "days": "integer >= 2, required", "types": "list of event types (any of them), optional", "value": "exact value, optional",
    ]

    /// A run that reached yesterday is still alive today.
    public func progress(today: LocalDate, notBefore: LocalDate?, ledger: any ActivityLedger) throws -> RuleProgress {
        let run = try ledger.run(containing: today, matching: matcher, notBefore: notBefore)
            ?? ledger.run(containing: today.adding(days: -1), matching: matcher, notBefore: notBefore)
        let length = run.map { $0.upperBound.dayNumber - $0.lowerBound.dayNumber + 1 } ?? 0
        return RuleProgress(current: length, target: days)
    }

    public let days: Int
    public let matcher: EventMatcher

    private struct Parameters: Decodable {
        let days: Int
        let types: [String]?
        let value: String?
    }

    public init(days: Int, matcher: EventMatcher) throws {
        guard days >= 2 else { throw RuleParameterError(field: "parameters.days", reason: "must be at least 2") }
        guard days <= 3660 else { throw RuleParameterError(field: "parameters.days", reason: "must be at most 3660") }
        self.days = days
        self.matcher = matcher
    }

    public init(parameters: Data) throws {
        let decoded = try RuleParameters.decode(Parameters.self, from: parameters)
        try RuleParameters.requireTypes(decoded.types)
        try self.init(days: decoded.days, matcher: EventMatcher(types: decoded.types, value: decoded.value))
    }

    public var parameters: [String: ParameterValue] {
        RuleParameters.matcherParameters(matcher).merging(["days": .int(days)]) { $1 }
    }

    public func completedPeriods(by event: Event, policy: RewardPolicy, ledger: any ActivityLedger) throws -> [CompletedPeriod] {
        guard matcher.matches(event),
              let run = try ledger.run(containing: event.localDate, matching: matcher, notBefore: policy.notBefore)
        else { return [] }
        let length = run.upperBound.dayNumber - run.lowerBound.dayNumber + 1
        guard length >= days else { return [] }
        guard policy.repeatable else { return [CompletedPeriod(periodKey: RewardPolicy.oncePeriodKey)] }
        return (0..<(length / days)).map { window in
            CompletedPeriod(periodKey: run.lowerBound.adding(days: window * days).description)
        }
    }
}
