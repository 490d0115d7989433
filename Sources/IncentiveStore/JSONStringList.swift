public import Foundation

/// Columns that hold a JSON array of strings (event ids, redirect URIs, program ids).
public enum JSONStringList {
    private static let decoder = JSONDecoder()
    private static let encoder = JSONEncoder()

    /// The strings as a JSON array (the form these columns store).
    public static func encode(_ strings: [String]) -> String {
        // Encoding an array of strings cannot fail.
        String(decoding: (try? encoder.encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The strings, or none when the text is not a JSON array of strings.
    public static func decode(_ text: String) -> [String] {
        if let plain = plainStrings(text) { return plain }
        return (try? decoder.decode([String].self, from: Data(text.utf8))) ?? []
    }

    /// `["a","b"]` as `encode` writes it, when no string needs an escape: read without
    /// `JSONDecoder`, which was a twelfth of a feed page (one event-id list per row). Anything
    /// else (spaces, escapes, malformed text) is left to `JSONDecoder`.
    static func plainStrings(_ text: String) -> [String]? {
        let bytes = text.utf8
        guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"), bytes.count >= 2 else { return nil }
        let inner = bytes.dropFirst().dropLast()
        var strings: [String] = []
        var index = inner.startIndex
        while index < inner.endIndex {
            guard inner[index] == UInt8(ascii: "\""),
                  let end = inner[inner.index(after: index)...].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }),
                  inner[end] == UInt8(ascii: "\"")
            else { return nil }
            strings.append(String(Substring(inner[inner.index(after: index)..<end])))
            index = inner.index(after: end)
            if index == inner.endIndex { break }
            guard inner[index] == UInt8(ascii: ","), inner.index(after: index) < inner.endIndex else { return nil }
            index = inner.index(after: index)
        }
        return strings
    }
}

extension AchievementRecord {
    public var eventIDList: [String] { JSONStringList.decode(eventIds) }
}
