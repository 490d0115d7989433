/// The active dates of one matcher over consecutive 64-date blocks, as `activityMask` stores
/// them: block `day >> 6`, bit `day & 63` (arithmetic shift, so dates before 1970 work too).
struct ActiveDayBlocks {
    private(set) var firstBlock: Int
    private var masks: [UInt64]

    init(firstBlock: Int, masks: [UInt64]) {
        self.firstBlock = firstBlock
        self.masks = masks
    }

    static func block(of day: Int) -> Int { day >> 6 }

    /// The block after the last one held.
    var endBlock: Int { firstBlock + masks.count }
    var firstDay: Int { firstBlock << 6 }
    var lastDay: Int { (endBlock << 6) - 1 }

    func contains(_ day: Int) -> Bool {
        let index = Self.block(of: day) - firstBlock
        guard masks.indices.contains(index) else { return false }
        return masks[index] & (1 << UInt64(day & 63)) != 0
    }

    /// Adds the blocks just before the first one held.
    mutating func prepend(_ earlier: [UInt64]) {
        masks.insert(contentsOf: earlier, at: 0)
        firstBlock -= earlier.count
    }

    /// Adds the blocks just after the last one held.
    mutating func append(_ later: [UInt64]) {
        masks.append(contentsOf: later)
    }
}
