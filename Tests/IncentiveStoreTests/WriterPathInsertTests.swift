import Foundation
import GRDB
import IncentiveEngine
@testable import IncentiveStore
import Testing

@Suite("Inserts on the event writer's path")
struct WriterPathInsertTests {
    @Test("an event and an achievement inserted by cached statement read back as GRDB's record insert stores them")
    func rowsMatchRecordInserts() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        let program = try await f.program("p", try EventReportedRule(type: "fact", value: nil))
        let when = Date(timeIntervalSince1970: 1_774_000_000)  // whole seconds: the text form keeps milliseconds
        try await f.database.writer.write { db in
            for (index, value) in ([nil, "v"] as [String?]).enumerated() {
                var fast = EventRecord(seq: nil, userId: "u1", eventId: "fast-\(index)", type: "fact", value: value, occurredAt: when,
                                       timezone: "UTC", timezoneGiven: value, localDay: 20_000, employerId: value.map { _ in "1" },
                                       evaluation: "complete", receivedAt: when)
                var slow = fast
                slow.eventId = "slow-\(index)"
                try fast.insertOnWriterPath(db)
                try slow.insert(db)
                let readFast = try #require(try EventRecord.fetchOne(db, key: fast.seq))
                let readSlow = try #require(try EventRecord.fetchOne(db, key: slow.seq))
                #expect(readFast == fast)
                var renamed = readSlow
                renamed.eventId = fast.eventId
                renamed.seq = fast.seq
                #expect(renamed == readFast)
                let rawFast = try Row.fetchOne(db, sql: "SELECT occurredAt, receivedAt FROM event WHERE seq = ?", arguments: [fast.seq])
                let rawSlow = try Row.fetchOne(db, sql: "SELECT occurredAt, receivedAt FROM event WHERE seq = ?", arguments: [slow.seq])
                #expect(rawFast == rawSlow)

                var award = AchievementRecord(
                    seq: nil, id: "ach-fast-\(index)", userId: "u1", employerId: "1", programId: program.id, programName: "p",
                    incentive: "event-reported", rewardName: "r", rewardDescription: value, rewardPayload: value,
                    periodKey: "k\(index)", achievedAt: when, achievedOn: "2026-03-18", eventIds: #"["e"]"#, eventSeq: fast.seq!)
                var recordInsert = award
                recordInsert.id = "ach-slow-\(index)"
                recordInsert.periodKey = "s\(index)"
                try award.insertOnWriterPath(db)
                try recordInsert.insert(db)
                #expect(try AchievementRecord.fetchOne(db, key: award.seq) == award)
                let rawAward = try Row.fetchOne(db, sql: "SELECT achievedAt FROM achievement WHERE seq = ?", arguments: [award.seq])
                let rawRecord = try Row.fetchOne(db, sql: "SELECT achievedAt FROM achievement WHERE seq = ?", arguments: [recordInsert.seq])
                #expect(rawAward == rawRecord)
            }
        }
    }

    @Test("an audit row inserted by cached statement reads back as GRDB's record insert stores it")
    func auditRowsMatchRecordInserts() async throws {
        let f = try StoreFixture()
        let when = Date(timeIntervalSince1970: 1_774_000_000.25)
        try await f.database.writer.write { db in
            for (index, value) in ([nil, "v"] as [String?]).enumerated() {
                let number = value.map { _ in 200 }
                var fast = AuditRecord(seq: Int64(2 * index + 1), at: when, type: "t", outcome: "ok", clientId: value, userId: value,
                                       subject: value, grantId: value, jti: value, path: value, status: number, rows: number,
                                       address: value, requestId: value, detail: value, mac: "m\(index)")
                var slow = fast
                slow.seq = fast.seq! + 1
                try fast.insertOnWriterPath(db)
                try slow.insert(db)
                let readFast = try #require(try AuditRecord.fetchOne(db, key: fast.seq))
                var readSlow = try #require(try AuditRecord.fetchOne(db, key: slow.seq))
                #expect(readFast == fast)
                readSlow.seq = fast.seq
                #expect(readSlow == readFast)
                let raw = "SELECT at, typeof(at), typeof(status) FROM auditEvent WHERE seq = ?"
                #expect(try Row.fetchOne(db, sql: raw, arguments: [fast.seq]) == Row.fetchOne(db, sql: raw, arguments: [slow.seq]))
            }
        }
    }
}
