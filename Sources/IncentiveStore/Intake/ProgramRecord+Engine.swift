import IncentiveEngine

extension ProgramRecord {
    /// The engine's view of this program; parameters were validated when it was created.
    func engineProgram() throws -> Program {
        Program(
            id: id, employerID: employerId, name: name,
            rule: try CompiledRules.rule(kind: incentive, parameters: parameters),
            reward: Reward(name: rewardName, description: rewardDescription, payload: rewardPayload),
            repeatable: repeatable, active: active, startsAt: startsAt, endsAt: endsAt)
    }
}
