/// What the engine may ask about a user's history. The store answers from indexed per-user
/// activity (dates and counts), so no question costs a scan of the user's events; the event
/// under evaluation is already recorded when the engine asks.
public protocol ActivityLedger {
    /// The run of consecutive dates with a matching event that contains `date`, not reaching
    /// before `notBefore`; nil when `date` has no matching event.
    func run(containing date: LocalDate, matching matcher: EventMatcher, notBefore: LocalDate?) throws -> ClosedRange<LocalDate>?

    /// Matching events on or after `notBefore`.
    func eventCount(matching matcher: EventMatcher, notBefore: LocalDate?) throws -> Int

    /// Which of `periodKeys` of `programID` the user already holds (one question per program,
    /// however many periods a long history completes, and never more than those asked about).
    func awardedPeriods(programID: String, among periodKeys: [String]) throws -> Set<String>

    /// How many periods of `programID` the user holds, and the highest of them as an integer, for
    /// programs whose periods are count ordinals "1", "2", ...: 0 when none is held, and anything
    /// but `count` (-1) when a held key is not a canonical positive integer.
    func heldOrdinals(programID: String) throws -> HeldOrdinals

    /// Which of `programIDs` (programs that reward once) the user has already earned: one question
    /// for all of them.
    func earnedOnce(among programIDs: [String]) throws -> Set<String>
}
