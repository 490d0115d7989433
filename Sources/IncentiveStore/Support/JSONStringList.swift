import Foundation

/// Columns that hold a JSON array of strings (event ids, redirect URIs, program ids).
public enum JSONStringList {
    private static let decoder = JSONDecoder()

    /// The strings as a JSON array (the form these columns store), by `JSONWriter`: `JSONEncoder`
    /// was about 3% of the event writer's time (one event-id list per achievement). Only `"`, `\`
    /// and control characters are escaped, so lists of ordinary ids are plain (`plainRanges`).
    public static func encode(_ strings: [String]) -> String {
        var json = JSONWriter(reservingCapacity: strings.reduce(2) { $0 + $1.utf8.count + 3 })
        json.strings(strings)
        return String(decoding: json.finish(), as: UTF8.self)
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
        var text = text
        return text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            return plainRanges(bytes)?.map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
    }

    /// Where the strings of a plain list (as `plainStrings` reads it) lie in `bytes`, for readers
    /// that use them in place; nil when the list is not plain.
    public static func plainRanges(_ bytes: UnsafeRawBufferPointer) -> [Range<Int>]? {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        let inner = bytes.indices.dropFirst().dropLast()
        var ranges: [Range<Int>] = []
        var index = inner.startIndex
        while index < inner.endIndex {
            guard bytes[index] == UInt8(ascii: "\""),
                  let end = inner[(index + 1)...].first(where: { bytes[$0] == UInt8(ascii: "\"") || bytes[$0] == UInt8(ascii: "\\") || bytes[$0] < 0x20 }),
                  bytes[end] == UInt8(ascii: "\"")
            else { return nil }
            ranges.append((index + 1)..<end)
            index = end + 1
            if index == inner.endIndex { break }
            guard bytes[index] == UInt8(ascii: ","), index + 1 < inner.endIndex else { return nil }
            index += 1
        }
        return ranges
    }
}

extension AchievementRecord {
    public var eventIDList: [String] { JSONStringList.decode(eventIds) }
}
