import Foundation

/// Achieved by one matching event, such as a reported birth.
public struct EventReportedRule: IncentiveRule {
    public static let kind = "event-reported"
    /// Repeatable periods are "1"..."n" for the n-th matching event, and matching events only add up.
    public static let periodsAreCountOrdinals = true
    public static let summary = "Report a particular event, such as a birth."
    public static let parameterHelp = ["type": "event type, required", "value": "exact value, optional"]

    /// Reported or not yet.
    public func progress(today: LocalDate, notBefore: LocalDate?, ledger: any ActivityLedger) throws -> RuleProgress {
        RuleProgress(current: min(1, try ledger.eventCount(matching: matcher, notBefore: notBefore)), target: 1)
    }

    public let matcher: EventMatcher

    private struct Parameters: Decodable {
        let type: String
        let value: String?
    }

    public init(type: String, value: String?) throws {
        guard !type.isEmpty else { throw RuleParameterError(field: "parameters.type", reason: "must not be empty") }
        matcher = EventMatcher(types: [type], value: value)
    }

    public init(parameters: Data) throws {
        let decoded = try RuleParameters.decode(Parameters.self, from: parameters)
        try self.init(type: decoded.type, value: decoded.value)
    }

    public var parameters: [String: ParameterValue] {
        var result: [String: ParameterValue] = ["type": .string(matcher.types![0])]
        if let value = matcher.value { result["value"] = .string(value) }
        return result
    }

    public func completedPeriods(by event: Event, policy: RewardPolicy, ledger: any ActivityLedger) throws -> [CompletedPeriod] {
        guard matcher.matches(event) else { return [] }
        guard policy.repeatable else { return [CompletedPeriod(periodKey: RewardPolicy.oncePeriodKey)] }
        // Every ordinal so far, not only the newest: a job that runs after later reports arrived
        // still owes the earlier ones (the evaluator skips the periods already held).
        let ordinal = try ledger.eventCount(matching: matcher, notBefore: policy.notBefore)
        return (1...max(ordinal, 1)).map { CompletedPeriod(periodKey: String($0)) }
    }
}
