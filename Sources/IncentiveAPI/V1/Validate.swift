import Foundation

/// Checks the generator does not enforce (lengths, patterns, IANA zones); each failure names its field.
enum Validate {
    static func length(_ text: String, _ field: String, _ range: ClosedRange<Int>) throws {
        guard range.contains(text.count) else {
            throw APIProblem.badRequest("\(field) must be \(range.lowerBound) to \(range.upperBound) characters", field: field)
        }
        // SQLite's text reads stop at a NUL: "\u0000x" would be stored and read back as "".
        guard !text.unicodeScalars.contains("\u{0}") else {
            throw APIProblem.badRequest("\(field) must not contain NUL characters", field: field)
        }
    }

    /// Ids the app chooses: printable, no spaces or slashes, 1 to 200 characters.
    static func identifier(_ text: String, _ field: String) throws {
        try length(text, field, 1...200)
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f && $0 != "/" }) else {
            throw APIProblem.badRequest("\(field) may not contain spaces, control characters or '/'", field: field)
        }
    }

    static func timeZone(_ identifier: String) throws {
        guard TimeZone(identifier: identifier) != nil else {
            throw APIProblem.unprocessable(field: "timezone", reason: "is not an IANA time zone: \(identifier)")
        }
    }
}
