import OpenSSLCrypto

/// Writes JSON text straight into bytes, where Foundation's `JSONEncoder` dominated the cost: a
/// partner feed page (a quarter of a 100-row page went to encoding the generated types), the JSON
/// log line and the audit row's canonical form. Strings are escaped as RFC 8259 §7 requires and
/// exactly as `JSONEncoder` escapes them (with `.withoutEscapingSlashes`), so text written here
/// equals its output; the caller writes the structure.
///
/// The text grows in one buffer of its own rather than a `[UInt8]`: a page is about a thousand
/// small appends, and each `Array` append checks uniqueness and capacity through generic code
/// (a tenth of a page). Noncopyable, so the buffer has exactly one owner and is freed once.
public struct JSONWriter: ~Copyable {
    // Usable from inline code: the small writes below are inlined into the feed page's loop
    // (called across the module boundary they were a twentieth of a page).
    @usableFromInline var start: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var length = 0

    /// Bytes written so far.
    public var count: Int { length }

    public init(reservingCapacity capacity: Int) {
        self.capacity = max(capacity, 64)
        start = .allocate(byteCount: self.capacity, alignment: 1)
    }

    deinit { start.deallocate() }

    /// The text so far, valid during `body`.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: start, count: length))
    }

    /// The finished text as an array.
    public consuming func finish() -> [UInt8] {
        withBytes { Array($0) }
    }

    /// Punctuation and literals, written as given.
    @inlinable @inline(__always)
    public mutating func raw(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Bytes the caller knows need no escape inside a string it is writing.
    @inlinable @inline(__always)
    public mutating func rawBytes(_ value: UnsafeRawBufferPointer) {
        append(value)
    }

    /// `"name":`
    @inlinable @inline(__always)
    public mutating func key(_ name: StaticString) {
        append(UInt8(ascii: "\""))
        raw(name)
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
    }

    /// A JSON string, or `null`.
    public mutating func string(_ value: String?) {
        guard var value else { return raw("null") }
        value.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A JSON string of UTF-8 bytes, or `null`.
    @inlinable
    public mutating func string(utf8 value: UnsafeRawBufferPointer?) {
        guard let value else { return raw("null") }
        append(UInt8(ascii: "\""))
        // Most strings need no escape and are copied in one go.
        if value.contains(where: Self.needsEscape) {
            for byte in value { escaped(byte) }
        } else {
            append(value)
        }
        append(UInt8(ascii: "\""))
    }

    /// `"kind_..."`: an id as the base64url of its MAC, written in place.
    public mutating func identifier(kind: StaticString, mac: UnsafeRawBufferPointer) {
        append(UInt8(ascii: "\""))
        raw(kind)
        append(UInt8(ascii: "_"))
        appendBase64URL(mac)
        append(UInt8(ascii: "\""))
    }

    /// `"..."`: the base64url of `data`, written in place.
    public mutating func base64URL(_ data: UnsafeRawBufferPointer) {
        append(UInt8(ascii: "\""))
        appendBase64URL(data)
        append(UInt8(ascii: "\""))
    }

    /// A JSON integer, or `null`.
    public mutating func integer<Value: BinaryInteger>(_ value: Value?) {
        guard let value else { return raw("null") }
        var text = String(value)
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// A JSON array of strings.
    public mutating func strings(_ values: [String]) {
        append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            string(value)
        }
        append(UInt8(ascii: "]"))
    }

    @usableFromInline
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    @usableFromInline
    mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00")
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0x0F)])
        default: append(byte)
        }
    }

    private mutating func appendBase64URL(_ data: UnsafeRawBufferPointer) {
        let encoded = Base64URL.encodedCount(data.count)
        reserve(encoded)
        length += Base64URL.encode(data, into: UnsafeMutableRawBufferPointer(start: start + length, count: encoded))
    }

    @inlinable @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        start.storeBytes(of: byte, toByteOffset: length, as: UInt8.self)
        length += 1
    }

    @inlinable @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (start + length).copyMemory(from: source, byteCount: bytes.count)
        length += bytes.count
    }

    /// Room for `extra` more bytes, doubling the buffer when it is short.
    @inlinable @inline(__always)
    mutating func reserve(_ extra: Int) {
        if length + extra > capacity { grow(toHold: extra) }
    }

    @usableFromInline
    mutating func grow(toHold extra: Int) {
        let grown = max(capacity * 2, length + extra)
        let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 1)
        moved.copyMemory(from: start, byteCount: length)
        start.deallocate()
        start = moved
        capacity = grown
    }
}
