/// What a user holds of a program whose periods are the count ordinals "1", "2", ... (see
/// `IncentiveRule.periodsAreCountOrdinals`): how many, and the highest. Ordinals are distinct and
/// at least 1, so `highest == count` means exactly 1...count are held.
public struct HeldOrdinals: Sendable, Equatable {
    public var count: Int
    public var highest: Int

    public init(count: Int, highest: Int) {
        self.count = count
        self.highest = highest
    }

    /// Holding exactly 1...count, the usual case: awards are made in the order their counts complete.
    var isLeadingRun: Bool { count == highest }
}
