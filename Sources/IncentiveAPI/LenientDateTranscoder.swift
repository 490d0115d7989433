import Foundation
import IncentiveEngine
import OpenAPIRuntime

/// RFC 3339 timestamps with or without fractional seconds (the generator's default accepts only
/// one form); an offset is required. Writes milliseconds in UTC.
struct LenientDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        // Rounded to the nearest millisecond with integer arithmetic: a date read back from SQLite
        // as .532999... must print as .533, which a truncating formatter would not do. Written by
        // hand (the calendar date from LocalDate's day arithmetic): it runs for every row of every page.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, inDay) = Self.floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = LocalDate(dayNumber: Int(days)).components
        let (hour, minute, second, millisecond) = (inDay / 3_600_000, inDay / 60_000 % 60, inDay / 1000 % 60, inDay % 1000)
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    func decode(_ text: String) throws -> Date {
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(text) { return date }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "is not an RFC 3339 date-time with offset: \(text)"))
    }
}
