public import Foundation

/// The global catalogue of incentive kinds that employers pick from.
public enum IncentiveCatalogue {
    public static let kinds: [any IncentiveRule.Type] = [
        ConsecutiveDaysRule.self,
        EventReportedRule.self,
        TotalEventsRule.self,
    ]

    public static func kind(named name: String) -> (any IncentiveRule.Type)? {
        kinds.first { $0.kind == name }
    }

    /// The rule of kind `name` with `parameters` (a JSON object).
    public static func rule(kind name: String, parameters: Data) throws -> any IncentiveRule {
        guard let kind = kind(named: name) else {
            throw RuleParameterError(field: "incentive", reason: "is not in the catalogue (\(kinds.map { $0.kind }.joined(separator: ", ")))")
        }
        return try kind.init(parameters: parameters)
    }
}
