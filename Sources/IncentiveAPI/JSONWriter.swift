import OpenSSLCrypto

/// Writes JSON text straight into bytes, for the one response where Foundation's `JSONEncoder`
/// dominated the cost: a partner feed page (a quarter of a 100-row page went to encoding the
/// generated types). Strings are escaped as RFC 8259 §7 requires; the caller writes the structure.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Punctuation and literals, written as given.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Bytes the caller knows need no escape inside a string it is writing.
    mutating func rawBytes(_ value: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: value)
    }

    /// `"name":`
    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// A JSON string, or `null`.
    mutating func string(_ value: String?) {
        guard var value else { return raw("null") }
        value.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A JSON string of UTF-8 bytes, or `null`.
    mutating func string(utf8 value: UnsafeRawBufferPointer?) {
        guard let value else { return raw("null") }
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape and are copied in one go.
        if value.contains(where: Self.needsEscape) {
            for byte in value { escaped(byte) }
        } else {
            bytes.append(contentsOf: value)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"kind_..."`: an id as the base64url of its MAC, written in place.
    mutating func identifier(kind: StaticString, mac: ArraySlice<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        raw(kind)
        bytes.append(UInt8(ascii: "_"))
        Base64URL.append(mac, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"..."`: the base64url of `data`, written in place.
    mutating func base64URL(_ data: ArraySlice<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        Base64URL.append(data, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        default: bytes.append(byte)
        }
    }

    /// A JSON array of strings.
    mutating func strings(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
