/// A JSON document as the generators build it. Numbers keep their exact text and objects keep
/// their order and any duplicate keys, so a document can be valid, subtly odd (`1e400`, a key
/// given twice) or, through `raw`, not JSON at all.
indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([Member])
    /// Written as is: invalid escapes, lone surrogates, bare words.
    case raw(String)

    struct Member: Sendable, Equatable {
        var key: String
        var value: JSONValue
    }

    static func object(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { Member(key: $0.key, value: $0.value) })
    }

    static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let text): text
        case .string(let value): Self.quoted(value)
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { Self.quoted($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        case .raw(let text): text
        }
    }

    var bytes: [UInt8] { Array(text.utf8) }

    /// RFC 8259 string escaping: quote, backslash and control characters; everything else as UTF-8.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
