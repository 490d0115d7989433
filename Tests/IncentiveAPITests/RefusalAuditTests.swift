import Foundation
@testable import IncentiveAPI
import Testing

@Suite("A flood of refused credentials costs the audit log a bounded number of rows")
struct RefusalAuditTests {
    let minute = Date(timeIntervalSince1970: 1_799_999_940)  // a whole minute

    @Test("the first refusals of a source's minute get rows, the rest one summary row")
    func perSource() {
        let refusals = RefusalAudit(exactPerSource: 3, exactPerMinute: 100)
        let admitted = (0..<10).map { refusals.admit(address: "203.0.113.7", at: minute.addingTimeInterval(Double($0))) }
        #expect(admitted == [true, true, true] + Array(repeating: false, count: 7))
        #expect(refusals.admit(address: "203.0.113.8", at: minute))  // another source is exact again
        #expect(refusals.takeFinished(before: minute.addingTimeInterval(59)).isEmpty)  // the minute is not over
        let summaries = refusals.takeFinished(before: minute.addingTimeInterval(120))
        #expect(summaries.map(\.minute.source) == ["203.0.113.7"] && summaries.map(\.refusals) == [7])
        #expect(refusals.admit(address: "203.0.113.7", at: minute.addingTimeInterval(60)))  // a new minute starts exact
    }

    @Test("addresses of one IPv6 /64 count as one source, mapped IPv4 as the IPv4 address")
    func ipv6Prefixes() {
        #expect(RefusalAudit.source(of: "2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(RefusalAudit.source(of: "2001:0db8:0001:0002:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64")
        #expect(RefusalAudit.source(of: "::ffff:198.51.100.4") == "198.51.100.4")
        #expect(RefusalAudit.source(of: "198.51.100.4") == "198.51.100.4")
        let refusals = RefusalAudit(exactPerSource: 2, exactPerMinute: 100)
        let admitted = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"].map { refusals.admit(address: $0, at: minute) }
        #expect(admitted == [true, true, false])
    }

    @Test("past the global cap of a minute, refusals of new sources only count, in one overflow row")
    func globalCap() {
        let refusals = RefusalAudit(exactPerSource: 5, exactPerMinute: 10)
        var exact = 0
        for host in 0..<1_000 where refusals.admit(address: "198.18.\(host / 256).\(host % 256)", at: minute) { exact += 1 }
        #expect(exact == 10)
        let summaries = refusals.takeFinished(before: nil)
        #expect(summaries.map(\.minute.source) == [RefusalAudit.overflowSource])
        #expect(summaries.map(\.refusals) == [990])
    }
}
