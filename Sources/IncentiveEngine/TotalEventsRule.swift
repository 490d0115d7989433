import Foundation

/// Achieved by the `count`-th matching event; repeatable programs reward every `count` events.
public struct TotalEventsRule: IncentiveRule {
    public static let kind = "total-events"
    /// Repeatable periods are "1"..."n" for the n-th multiple reached, and matching events only add up.
    public static let periodsAreCountOrdinals = true
    public static let summary = "Log a number of matching events in total."
    public static let parameterHelp = [
        "count": "integer >= 1, required", "types": "list of event types (any of them), optional", "value": "exact value, optional",
    ]

    public func progress(today: LocalDate, notBefore: LocalDate?, ledger: any ActivityLedger) throws -> RuleProgress {
        RuleProgress(current: try ledger.eventCount(matching: matcher, notBefore: notBefore), target: count)
    }

    public let count: Int
    public let matcher: EventMatcher

    private struct Parameters: Decodable {
        let count: Int
        let types: [String]?
        let value: String?
    }

    public init(count: Int, matcher: EventMatcher) throws {
        guard count >= 1 else { throw RuleParameterError(field: "parameters.count", reason: "must be at least 1") }
        guard count <= 1_000_000 else { throw RuleParameterError(field: "parameters.count", reason: "must be at most 1000000") }
        self.count = count
        self.matcher = matcher
    }

    public init(parameters: Data) throws {
        let decoded = try RuleParameters.decode(Parameters.self, from: parameters)
        try RuleParameters.requireTypes(decoded.types)
        try self.init(count: decoded.count, matcher: EventMatcher(types: decoded.types, value: decoded.value))
    }

    public var parameters: [String: ParameterValue] {
        RuleParameters.matcherParameters(matcher).merging(["count": .int(count)]) { $1 }
    }

    public func completedPeriods(by event: Event, policy: RewardPolicy, ledger: any ActivityLedger) throws -> [CompletedPeriod] {
        guard matcher.matches(event) else { return [] }
        let total = try ledger.eventCount(matching: matcher, notBefore: policy.notBefore)
        guard total >= count else { return [] }
        guard policy.repeatable else { return [CompletedPeriod(periodKey: RewardPolicy.oncePeriodKey)] }
        return (1...(total / count)).map { CompletedPeriod(periodKey: String($0)) }
    }
}
