import Foundation
import IncentiveEngine
import OpenAPIRuntime

/// RFC 3339 timestamps with or without fractional seconds (the generator's default accepts only
/// one form); an offset is required; years 0001 to 9999 in UTC. Writes milliseconds in UTC.
package struct LenientDateTranscoder: DateTranscoder {
    package init() {}

    package func encode(_ date: Date) throws -> String {
        // Rounded to the nearest millisecond with integer arithmetic: a date read back from SQLite
        // as .532999... must print as .533, which a truncating formatter would not do. Written by
        // hand (the calendar date from LocalDate's day arithmetic): it runs for every row of every page.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        // Before the Gregorian reform Foundation's parser counts Julian dates; write those its way,
        // so every date this writes reads back as itself.
        guard milliseconds >= Self.gregorianReform else { return try Self.julianEra(milliseconds) }
        let (days, inDay) = Self.floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = LocalDate(dayNumber: Int(days)).components
        let (hour, minute, second, millisecond) = (inDay / 3_600_000, inDay / 60_000 % 60, inDay / 1000 % 60, inDay % 1000)
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    /// 1582-10-15T00:00:00Z, the first Gregorian day.
    private static let gregorianReform: Int64 = -12_219_292_800_000

    private static func julianEra(_ milliseconds: Int64) throws -> String {
        let (seconds, fraction) = floorDivision(milliseconds, 1000)
        let text = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        return text.dropLast() + "." + String(String(fraction + 1000).dropFirst()) + "Z"
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
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
