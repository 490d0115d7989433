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
        (try? decoder.decode([String].self, from: Data(text.utf8))) ?? []
    }
}

extension AchievementRecord {
    public var eventIDList: [String] { JSONStringList.decode(eventIds) }
}
