import Foundation
import OpenAPIRuntime

/// RFC 3339 timestamps with or without fractional seconds (the generator's default accepts only
/// one form); an offset is required; years 0001 to 9999 in UTC. Writes milliseconds in UTC.
package struct LenientDateTranscoder: DateTranscoder {
    package init() {}

    package func encode(_ date: Date) throws -> String {
        // Rounded to the nearest millisecond with integer arithmetic: a date read back from SQLite
        // as .532999... must print as .533, which a truncating formatter would not do.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = Date(timeIntervalSince1970: Double(seconds) + (fraction < 0 ? -1 : 0))
        let text = whole.formatted(Date.ISO8601FormatStyle())
        return text.dropLast() + String(format: ".%03dZ", (fraction + 1000) % 1000)
    }

    /// 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z: the database stores dates as text with
    /// four-digit years, so a later one (`9999-12-31T23:00:00-05:00`) would be written but could
    /// never be read back, and every read of its row would fail. (Bounds parsed by the same
    /// parser, whose calendar puts year 1 two days off the proleptic Gregorian one.)
    static let storableRange = try! Date.ISO8601FormatStyle().parse("0001-01-01T00:00:00Z")
        ... Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse("9999-12-31T23:59:59.999Z")

    package func decode(_ text: String) throws -> Date {
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(text) {
                guard Self.storableRange.contains(date) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "is outside years 0001 to 9999 UTC: \(text)"))
                }
                return date
            }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "is not an RFC 3339 date-time with offset: \(text)"))
    }
}
