/// One generated request body, printed readably when a property fails (the failing seed that
/// PropertyBased prints reproduces it exactly).
struct BodyCase: Sendable, CustomStringConvertible {
    var bytes: [UInt8]
    var contentType: String?
    /// How it was made: "valid", "mutated", "bytes", "random", "nested".
    var origin: String

    var description: String {
        let text = String(decoding: bytes.prefix(400), as: UTF8.self)
        let more = bytes.count > 400 ? "… (\(bytes.count) bytes)" : ""
        return "\(origin) body \(contentType ?? "(no content type)"): \(text.debugDescription)\(more)"
    }
}
