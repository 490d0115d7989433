import Foundation
import OpenAPIRuntime

/// RFC 3339 timestamps with or without fractional seconds (the generator's default accepts only
/// one form); an offset is required. Writes milliseconds in UTC.
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

    package func decode(_ text: String) throws -> Date {
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(text) { return date }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "is not an RFC 3339 date-time with offset: \(text)"))
    }
}
