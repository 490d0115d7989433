public import Foundation

/// One kind of incentive in the catalogue. A new kind is one new type conforming to this
/// protocol plus its line in `IncentiveCatalogue.kinds`; no other rule changes. Everything the
/// service needs to know of a kind is here: its parameters (decoded and described), what events
/// complete, and how far a user has come.
public protocol IncentiveRule: Sendable {
    /// The catalogue name, e.g. `consecutive-days`.
    static var kind: String { get }
    static var summary: String { get }
    /// Each parameter's meaning, for the catalogue listing.
    static var parameterHelp: [String: String] { get }

    /// Decodes and validates parameters; throws `RuleParameterError` naming the field.
    init(parameters: Data) throws

    /// The parameters as stored and shown (canonical JSON object).
    var parameters: [String: ParameterValue] { get }

    /// Events this rule counts.
    var matcher: EventMatcher { get }

    /// The periods `event` completes under `policy`, whether or not already awarded.
    func completedPeriods(by event: Event, policy: RewardPolicy, ledger: any ActivityLedger) throws -> [CompletedPeriod]

    /// Where the user stands on `today`: days in the current run, or matching events counted, against the target.
    func progress(today: LocalDate, notBefore: LocalDate?, ledger: any ActivityLedger) throws -> RuleProgress

    /// True when a repeatable program's periods are the ordinals 1...n of a count that never
    /// shrinks, so every period the user holds is among those completed now (false by default).
    static var periodsAreCountOrdinals: Bool { get }
}

extension IncentiveRule {
    public static var periodsAreCountOrdinals: Bool { false }
}

/// How far a user has come towards a rule's next reward.
public struct RuleProgress: Sendable, Equatable {
    public let current: Int
    public let target: Int

    public init(current: Int, target: Int) {
        self.current = current
        self.target = target
    }
}

/// How often a program rewards, and from when its history counts.
public struct RewardPolicy: Sendable, Equatable {
    public let repeatable: Bool
    /// History before this date does not count (the local date of `starts_at`).
    public let notBefore: LocalDate?

    public init(repeatable: Bool, notBefore: LocalDate?) {
        self.repeatable = repeatable
        self.notBefore = notBefore
    }

    /// The period key of a program that rewards once per user.
    public static let oncePeriodKey = "once"
}

/// A period a rule considers complete: a window's start date or a count ordinal.
public struct CompletedPeriod: Sendable, Equatable {
    public let periodKey: String

    public init(periodKey: String) {
        self.periodKey = periodKey
    }
}

/// A JSON scalar or list as rule parameters hold them.
public enum ParameterValue: Sendable, Equatable, Codable {
    case int(Int)
    case string(String)
    case strings([String])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else { self = .strings(try container.decode([String].self)) }
    }
}

/// A parameter a rule cannot accept; `field` names it for the problem+json answer.
public struct RuleParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
