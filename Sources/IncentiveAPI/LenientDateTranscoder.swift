import Foundation
import OpenAPIRuntime

/// RFC 3339 timestamps with or without fractional seconds (the generator's default accepts only
/// one form); an offset is required. Writes milliseconds in UTC.
struct LenientDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    func decode(_ text: String) throws -> Date {
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(text) { return date }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "is not an RFC 3339 date-time with offset: \(text)"))
    }
}
