import Foundation
import IncentiveAPI
import IncentiveEngine

/// `<timestamp>\n<time zone>`: the RFC 3339 transcoder (what it reads, it writes to the
/// millisecond and reads back unchanged), IANA zone lookup, and the local date of the instant in that zone.
enum TimeTarget {
    static let transcoder = LenientDateTranscoder()

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        _ = LocalDate(iso8601: String(lines[0]))
        guard let date = try? transcoder.decode(String(lines[0])) else { return }
        roundTrip(date)
        guard lines.count > 1, let zone = TimeZone(identifier: String(lines[1])) else { return }
        _ = LocalDate(date, in: zone).description
    }

    static func roundTrip(_ date: Date) {
        guard let written = try? transcoder.encode(date), let reread = try? transcoder.decode(written),
              abs(reread.timeIntervalSince(date)) < 0.001, (try? transcoder.encode(reread)) == written else {
            fatalError("\(date) does not survive writing and reading back")
        }
    }
}
