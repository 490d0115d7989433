public import Foundation

/// What an achievement gives the user, as the employer described it.
public struct Reward: Sendable, Equatable, Codable {
    public var name: String
    public var description: String?
    /// Free-form JSON for the partner that fulfils the reward.
    public var payload: String?

    public init(name: String, description: String? = nil, payload: String? = nil) {
        self.name = name
        self.description = description
        self.payload = payload
    }
}

/// An employer's use of a catalogue incentive with fixed parameters and a reward.
public struct Program: Sendable {
    public let id: String
    public let employerID: String
    public var name: String
    public let rule: any IncentiveRule
    public var reward: Reward
    public let repeatable: Bool
    public var active: Bool
    public let startsAt: Date?
    public var endsAt: Date?

    public init(id: String, employerID: String, name: String, rule: any IncentiveRule, reward: Reward,
                repeatable: Bool = false, active: Bool = true, startsAt: Date? = nil, endsAt: Date? = nil) {
        self.id = id
        self.employerID = employerID
        self.name = name
        self.rule = rule
        self.reward = reward
        self.repeatable = repeatable
        self.active = active
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// Whether an event that happened at `instant` falls inside the program's dates.
    public func covers(_ instant: Date) -> Bool {
        if let startsAt, instant < startsAt { return false }
        if let endsAt, instant >= endsAt { return false }
        return true
    }
}
