import Foundation
import GRDB
@testable import IncentiveAPI
import Testing

@Suite("Partner feed page writing")
struct PartnerFeedControllerTests {
    @Test("a stored achievement time is written as LenientDateTranscoder writes the date it stands for")
    func storedTimesMatchTheTranscoder() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: 0...13_569_465_600_000, using: &generator)
            let stored = Date(timeIntervalSince1970: Double(milliseconds) / 1000).databaseValue
            let date = try #require(Date.fromDatabaseValue(stored))
            #expect(try PartnerFeedController<AppRequestContext>.rfc3339(stored: stored) == LenientDateTranscoder().encode(date), "\(stored)")
        }
    }

    @Test("other stored forms go through Date; unreadable text is an error, not a made-up time")
    func otherForms() throws {
        typealias Controller = PartnerFeedController<AppRequestContext>
        #expect(try Controller.rfc3339(stored: "2024-05-29 13:00:54".databaseValue) == "2024-05-29T13:00:54.000Z")
        #expect(try Controller.rfc3339(stored: "2024-05-29 13:00:54.5".databaseValue) == "2024-05-29T13:00:54.500Z")
        #expect(try Controller.rfc3339(stored: 1_716_987_654.databaseValue) == "2024-05-29T13:00:54.000Z")
        #expect(throws: DecodingError.self) { try Controller.rfc3339(stored: "yesterday".databaseValue) }
    }
}
