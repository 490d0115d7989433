import Foundation
import IncentiveAPIGenerated
import IncentiveEngine
import IncentiveStore

/// From the `oneOf` program body to a validated engine rule and a store draft. Nothing here knows
/// a kind: the body's `incentive` names the catalogue entry and its `parameters` go, as JSON, to
/// that rule's own decoding and validation, the same way whatever the transport.
package enum ProgramDraftMapping {
    package static func draft(from input: Components.Schemas.ProgramInput) throws -> ProgramRepository.Draft {
        let body = try JSONDecoder().decode(Body.self, from: JSONEncoder().encode(input))
        let rule = try IncentiveCatalogue.rule(kind: body.incentive, parameters: JSONEncoder().encode(body.parameters))
        return try draft(name: body.name, rule: rule, reward: body.reward, repeatable: body.repeatable,
                         active: body.active, startsAt: body.startsAt, endsAt: body.endsAt)
    }

    /// The fields every variant of `ProgramInput` shares (the generated enum has a case per kind).
    private struct Body: Decodable {
        let name: String
        let incentive: String
        let parameters: [String: ParameterValue]
        let reward: Components.Schemas.Reward
        let repeatable: Bool?
        let active: Bool?
        let startsAt: Date?
        let endsAt: Date?

        enum CodingKeys: String, CodingKey {
            case name, incentive, parameters, reward, repeatable, active
            case startsAt = "starts_at"
            case endsAt = "ends_at"
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
}
