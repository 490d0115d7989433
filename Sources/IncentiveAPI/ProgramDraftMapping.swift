import Foundation
import IncentiveAPIGenerated
import IncentiveEngine
import IncentiveStore

/// From the `oneOf` program body to a validated engine rule and a store draft.
package enum ProgramDraftMapping {
    package static func draft(from input: Components.Schemas.ProgramInput) throws -> ProgramRepository.Draft {
        switch input {
        case .consecutiveDays(let body):
            let p = body.parameters
            let rule = try ConsecutiveDaysRule(parameters: try encode(["days": .int(p.days)], types: p.types, value: p.value))
            return try draft(name: body.name, rule: rule, reward: body.reward, repeatable: body.repeatable,
                             active: body.active, startsAt: body.startsAt, endsAt: body.endsAt)
        case .eventReported(let body):
            let p = body.parameters
            let rule = try EventReportedRule(parameters: try encode(["type": .string(p._type)], types: nil, value: p.value))
            return try draft(name: body.name, rule: rule, reward: body.reward, repeatable: body.repeatable,
                             active: body.active, startsAt: body.startsAt, endsAt: body.endsAt)
        case .totalEvents(let body):
            let p = body.parameters
            let rule = try TotalEventsRule(parameters: try encode(["count": .int(p.count)], types: p.types, value: p.value))
            return try draft(name: body.name, rule: rule, reward: body.reward, repeatable: body.repeatable,
                             active: body.active, startsAt: body.startsAt, endsAt: body.endsAt)
        }
    }

    private static func draft(
        name: String, rule: any IncentiveRule, reward: Components.Schemas.Reward, repeatable: Bool?, active: Bool?,
        startsAt: Date?, endsAt: Date?
    ) throws -> ProgramRepository.Draft {
        try Validate.length(name, "name", 1...200)
        try Validate.length(reward.name, "reward.name", 1...200)
        if let description = reward.description { try Validate.length(description, "reward.description", 0...2000) }
        if let payload = reward.payload { try Validate.length(payload, "reward.payload", 0...10000) }
        if let startsAt, let endsAt, endsAt <= startsAt {
            throw APIProblem.unprocessable(field: "ends_at", reason: "must be after starts_at")
        }
        return .init(name: name, rule: rule,
                     reward: Reward(name: reward.name, description: reward.description, payload: reward.payload),
                     repeatable: repeatable ?? false, active: active ?? true, startsAt: startsAt, endsAt: endsAt)
    }

    /// The engine validates parameters from JSON, the same way whatever the transport.
    private static func encode(_ fields: [String: ParameterValue], types: [String]?, value: String?) throws -> Data {
        var all = fields
        if let types { all["types"] = .strings(types) }
        if let value { all["value"] = .string(value) }
        return try JSONEncoder().encode(all)
    }
}

/// Human-readable parameter descriptions for the catalogue listing.
enum CatalogueParameters {
    static func describe(_ kind: any IncentiveRule.Type) -> [String: String] {
        switch kind.kind {
        case ConsecutiveDaysRule.kind:
            ["days": "integer >= 2, required", "types": "list of event types (any of them), optional", "value": "exact value, optional"]
        case EventReportedRule.kind:
            ["type": "event type, required", "value": "exact value, optional"]
        default:
            ["count": "integer >= 1, required", "types": "list of event types (any of them), optional", "value": "exact value, optional"]
        }
    }
}
