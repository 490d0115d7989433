/// A new achievement the engine found: one program, one period.
public struct Award: Sendable, Equatable {
    public let programID: String
    public let programName: String
    public let incentive: String
    public let reward: Reward
    public let periodKey: String
    public let achievedOn: LocalDate
    public let eventIDs: [String]
}
