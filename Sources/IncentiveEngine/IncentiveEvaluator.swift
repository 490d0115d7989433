public import Foundation

/// Decides which rewards one event earns. Pure: history comes from the `ActivityLedger` the
/// caller passes, time from the `now` and `deadline` it passes.
public struct IncentiveEvaluator: Sendable {
    /// Backdated events older than this are stored and count as history but earn nothing on arrival.
    public var graceWindow: TimeInterval
    /// Events further in the future than this are refused.
    public var futureTolerance: TimeInterval

    public init(graceWindow: TimeInterval = 7 * 86_400, futureTolerance: TimeInterval = 5 * 60) {
        self.graceWindow = graceWindow
        self.futureTolerance = futureTolerance
    }

    /// Refuses an event that claims to happen more than `futureTolerance` after `now`.
    public func validate(occurredAt: Date, now: Date) throws {
        guard occurredAt.timeIntervalSince(now) <= futureTolerance else { throw EvaluationError.eventInFuture }
    }

    /// Whether an event is recent enough to earn anything when it arrives.
    public func isWithinGraceWindow(_ event: Event, now: Date) -> Bool {
        now.timeIntervalSince(event.occurredAt) <= graceWindow
    }

    /// The new awards `event` earns among `programs` (the user's current employer's programs).
    /// Checks `deadline` before each program and throws `EvaluationError.deadlineExceeded` past it.
    public func evaluate(
        _ event: Event, programs: [Program], ledger: any ActivityLedger, now: Date, deadline: Deadline = .none
    ) throws -> [Award] {
        guard isWithinGraceWindow(event, now: now) else { return [] }
        let candidates = programs.filter { $0.active && $0.covers(event.occurredAt) }
        // A program that rewards once and was already earned cannot award again: its rule need not
        // run, which is most of a long-time user's once-programs.
        let onceIDs = candidates.filter { !$0.repeatable }.map(\.id)
        let earned = onceIDs.isEmpty ? [] : try ledger.earnedOnce(among: onceIDs)
        var awards: [Award] = []
        for program in candidates where program.repeatable || !earned.contains(program.id) {
            try deadline.check()
            let policy = RewardPolicy(
                repeatable: program.repeatable,
                notBefore: program.startsAt.map { LocalDate($0, in: event.timeZone) })
            let completed = try program.rule.completedPeriods(by: event, policy: policy, ledger: ledger)
            guard !completed.isEmpty else { continue }
            for period in try owedPeriods(completed, of: program, ledger: ledger) {
                awards.append(Award(
                    programID: program.id, programName: program.name, incentive: type(of: program.rule).kind,
                    reward: program.reward, periodKey: period.periodKey, achievedOn: event.localDate, eventIDs: [event.id]))
            }
        }
        return awards
    }

    /// The completed periods the user does not hold yet.
    private func owedPeriods(_ completed: [CompletedPeriod], of program: Program, ledger: any ActivityLedger) throws -> [CompletedPeriod] {
        // A once-program that gets here is known not to be held.
        guard program.repeatable else { return completed }
        if type(of: program.rule).periodsAreCountOrdinals {
            // Count ordinals held are all among 1...n: holding n of them means holding every one, and
            // holding exactly 1...k leaves k+1...n owed. A long history then need not ask about each
            // of its periods again on every event.
            let held = try ledger.heldOrdinals(programID: program.id)
            // Relies on the count never shrinking (events are never deleted).
            if held.count >= completed.count { return [] }
            if held.isLeadingRun { return completed.filter { (Int($0.periodKey) ?? 0) > held.count } }
        }
        let held = try ledger.awardedPeriods(programID: program.id, among: completed.map(\.periodKey))
        return completed.filter { !held.contains($0.periodKey) }
    }
}

/// A point in time after which evaluation gives up, so the caller can fall back to a job.
public struct Deadline: Sendable {
    private let hasPassed: @Sendable () -> Bool

    public init(hasPassed: @escaping @Sendable () -> Bool) {
        self.hasPassed = hasPassed
    }

    public static let none = Deadline { false }

    public static func after(_ duration: Duration, clock: ContinuousClock = .init()) -> Deadline {
        let end = clock.now.advanced(by: duration)
        return Deadline { clock.now >= end }
    }

    func check() throws {
        if hasPassed() { throw EvaluationError.deadlineExceeded }
    }
}

public enum EvaluationError: Error, Equatable, Sendable {
    case eventInFuture
    case deadlineExceeded
}
