import Foundation
@testable import IncentiveAPI
import Testing

@Suite("RFC 3339 dates on the wire")
struct LenientDateTranscoderTests {
    let transcoder = LenientDateTranscoder()

    @Test("the hand-written UTC formatter agrees with Foundation's from 1601 to 2400, to the millisecond")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<5000 {
            let milliseconds = Int64.random(in: -11_644_473_600_000...13_569_465_600_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = try transcoder.encode(date)
            // Foundation truncates, so nudge it past the float error (~2 µs in 2400) to the same millisecond.
            #expect(text == style.format(date.addingTimeInterval(0.00002)), "\(milliseconds)")
            #expect((try transcoder.decode(text).timeIntervalSince1970 * 1000).rounded() == Double(milliseconds))
        }
    }

    @Test("rounds to the nearest millisecond, not down", arguments: [
        (1_716_987_654.532999, "2024-05-29T13:00:54.533Z"), (0.0, "1970-01-01T00:00:00.000Z"),
        (-0.0004, "1970-01-01T00:00:00.000Z"), (-0.0006, "1969-12-31T23:59:59.999Z"), (951_782_400.0, "2000-02-29T00:00:00.000Z"),
    ])
    func rounding(seconds: Double, expected: String) throws {
        #expect(try transcoder.encode(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
