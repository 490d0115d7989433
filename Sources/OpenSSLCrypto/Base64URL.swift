/// Base64url without padding (RFC 4648 §5), as JOSE and our tokens use it. Written over bytes:
/// it runs several times per token and per feed row, where going through Foundation's base64 and
/// string replacement cost more than the HMACs around it.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The 6-bit value of each base64url character, 0xFF for any other byte.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        bytes.withContiguousBytes(encode(contiguous:))
    }

    // Concrete overloads, chosen over the generic one for the common arguments: a generic call
    // across modules is not specialized and paid for metadata lookups on every pairwise id.
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes(encode(contiguous:))
    }

    public static func encode(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBytes(encode(contiguous:))
    }

    /// The length of the encoding of `byteCount` bytes (no padding).
    public static func encodedCount(_ byteCount: Int) -> Int {
        (byteCount * 4 + 2) / 3
    }

    /// Writes the encoding of `input` at the start of `output`, which has room for it
    /// (`encodedCount`); returns its length. For writers that build their text as bytes.
    public static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= encodedCount(input.count), "room for the base64url of \(input.count) bytes")
        return encode(input, into: output.bindMemory(to: UInt8.self))
    }

    private static func encode(contiguous input: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: encodedCount(input.count)) { encode(input, into: $0) }
    }

    /// Writes the encoding of `input` at the start of `output`, which has room for it; returns its length.
    private static func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var written = 0
        func put(_ chunk: UInt32, _ shift: UInt32) {
            output[written] = alphabet[Int(chunk >> shift & 63)]
            written += 1
        }
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            put(chunk, 18); put(chunk, 12); put(chunk, 6); put(chunk, 0)
            index += 3
        }
        switch input.count - index {
        case 1:
            let chunk = UInt32(input[index]) << 16
            put(chunk, 18); put(chunk, 12)
        case 2:
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            put(chunk, 18); put(chunk, 12); put(chunk, 6)
        default:
            break
        }
        return written
    }

    /// Strict: only the base64url alphabet, no padding, no whitespace, and canonical (no stray low
    /// bits, so a signature or MAC has one spelling); nil otherwise.
    public static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(characters.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in characters {
            let value = values[Int(character)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero, as in a canonical encoding.
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}
