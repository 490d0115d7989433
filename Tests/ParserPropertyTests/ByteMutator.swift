/// Byte-level damage to an encoded body: flipped bits, invalid UTF-8, truncation, junk.
enum ByteMutator {
    /// UTF-8 that no decoder may accept: stray continuation bytes, overlong forms, surrogates, > U+10FFFF, cut sequences.
    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xFE], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
    ]

    static func mutate<R: RandomNumberGenerator>(_ bytes: [UInt8], _ rng: inout R) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<rng.int(1...3) {
            bytes = mutateOnce(bytes, &rng)
        }
        return bytes
    }

    private static func mutateOnce<R: RandomNumberGenerator>(_ bytes: [UInt8], _ rng: inout R) -> [UInt8] {
        var bytes = bytes
        let position = rng.int(0...bytes.count)
        switch rng.int(0...8) {
        case 0 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] ^= 1 << UInt8(rng.int(0...7))
        case 1 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] = rng.byte()
        case 2:
            bytes.insert(contentsOf: rng.pick(invalidUTF8), at: position)
        case 3:
            bytes = Array(bytes.prefix(position))
        case 4 where !bytes.isEmpty:
            let end = min(bytes.count, position + rng.int(1...16))
            bytes.removeSubrange(min(position, end)..<end)
        case 5:
            bytes.insert(contentsOf: [0x00], at: position)
        case 6:
            bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
        case 7:
            bytes.insert(contentsOf: Array(rng.pick(["\"", "\\", "{", "}", "[", "]", ",", ":", " ", "\n"]).utf8), at: position)
        default:
            bytes += (0..<rng.int(1...8)).map { _ in rng.byte() }
        }
        return bytes
    }
}
