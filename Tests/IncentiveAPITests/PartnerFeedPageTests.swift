import Foundation
import GRDB
@testable import IncentiveAPI
import IncentiveStore
import Testing

@Suite("Partner feed page writing")
struct PartnerFeedPageTests {
    @Test("a stored achievement time is written as the minute it falls in, as the Date path writes it")
    func storedTimesMatchTheTranscoder() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: 0...13_569_465_600_000, using: &generator)
            let stored = Date(timeIntervalSince1970: Double(milliseconds) / 1000).databaseValue
            let text = try #require(String.fromDatabaseValue(stored))
            var json = JSONWriter(reservingCapacity: 32)
            let written = Array(text.utf8).withUnsafeBytes { PartnerFeedPage.writeStoredMinute($0, into: &json) }
            #expect(written)
            let minute = String(decoding: json.finish(), as: UTF8.self)
            #expect(minute == "\"\(try PartnerFeedPage.rfc3339Minute(stored: stored))\"", "\(text)")
            #expect(minute.hasSuffix(":00Z\"") && minute.count == 22, "\(minute)")
        }
    }

    @Test("other stored forms go through Date; unreadable text is an error, not a made-up time")
    func otherForms() throws {
        var json = JSONWriter(reservingCapacity: 32)
        #expect(!Array("2024-05-29 13:00:54".utf8).withUnsafeBytes { PartnerFeedPage.writeStoredMinute($0, into: &json) })
        #expect(json.count == 0)
        #expect(try PartnerFeedPage.rfc3339Minute(stored: "2024-05-29 13:00:54".databaseValue) == "2024-05-29T13:00:00Z")
        #expect(try PartnerFeedPage.rfc3339Minute(stored: "2024-05-29 13:59:59.999".databaseValue) == "2024-05-29T13:59:00Z")
        #expect(try PartnerFeedPage.rfc3339Minute(stored: 1_716_987_654.databaseValue) == "2024-05-29T13:00:00Z")
        #expect(throws: DecodingError.self) { try PartnerFeedPage.rfc3339Minute(stored: "yesterday".databaseValue) }
    }
}
