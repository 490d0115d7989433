import Foundation
import GRDB
import IncentiveEngine
@testable import IncentiveStore
import Testing

@Suite("The achievement tally behind heldOrdinals")
struct AchievementTallyTests {
    static func tallies(_ db: Database) throws -> [[DatabaseValue]] {
        try Row.fetchAll(db, sql: "SELECT userId, programId, held, highest FROM achievementTally ORDER BY userId, programId")
            .map { row in (0..<4).map { row[$0] as DatabaseValue } }
    }

    /// The aggregate heldOrdinals ran before the tally, kept here as the oracle.
    static func recounts(_ db: Database) throws -> [[DatabaseValue]] {
        try Row.fetchAll(db, sql: """
            SELECT userId, programId, COUNT(*),
                   CASE WHEN COUNT(*) = SUM(CAST(CAST(periodKey AS INTEGER) AS TEXT) = periodKey AND CAST(periodKey AS INTEGER) > 0)
                        THEN COALESCE(MAX(CAST(periodKey AS INTEGER)), 0) ELSE -1 END
            FROM achievement GROUP BY userId, programId ORDER BY userId, programId
            """).map { row in (0..<4).map { row[$0] as DatabaseValue } }
    }

    @Test("after awards, removals and changed keys the tally is what a recount of the achievements gives")
    func tallyFollowsEveryChange() async throws {
        let f = try await Self.twoUsers()
        try await f.program("every", try EventReportedRule(type: "fact", value: nil), repeatable: true)
        for (index, user) in ["u1", "u1", "u1", "u2", "u1", "u2"].enumerated() {
            _ = try await f.intake.ingest(f.submission("e\(index)", user: user, type: "fact"), now: f.now)
        }
        let copyAsKey = { (key: String) in """
            INSERT INTO achievement (id, userId, employerId, programId, programName, incentive, rewardName, periodKey, achievedAt,
                                     achievedOn, eventIds, eventSeq)
            SELECT id || '\(key)', userId, employerId, programId, programName, incentive, rewardName, '\(key)', achievedAt,
                   achievedOn, eventIds, eventSeq FROM achievement WHERE userId = 'u1' AND periodKey = '1'
            """ }
        let changes = [
            "",
            "DELETE FROM achievement WHERE userId = 'u1' AND periodKey = '2'",
            "UPDATE achievement SET periodKey = '07' WHERE userId = 'u2' AND periodKey = '2'",
            "UPDATE achievement SET periodKey = '9' WHERE userId = 'u2' AND periodKey = '07'",
            "UPDATE achievement SET userId = 'u2', periodKey = '8' WHERE userId = 'u1' AND periodKey = '4'",
            copyAsKey("once"),
            "DELETE FROM achievement WHERE periodKey = 'once'",
            copyAsKey("12"),
            "DELETE FROM achievement WHERE userId = 'u2'",
        ]
        for change in changes {
            try await f.database.writer.write { db in
                try db.execute(sql: "DELETE FROM partnerFeedEntry")
                if !change.isEmpty { try db.execute(sql: change) }
                #expect(try Self.tallies(db) == (try Self.recounts(db)), "after \(change)")
            }
        }
        let ledger = { (user: String) in
            try await f.database.writer.read { db in
                let program = try String.fetchOne(db, sql: "SELECT id FROM program")!
                return try SQLiteActivityLedger(db: db, userID: user).heldOrdinals(programID: program)
            }
        }
        #expect(try await ledger("u1") == HeldOrdinals(count: 3, highest: 12))  // held 1, 3, 12
        #expect(try await ledger("u2") == HeldOrdinals(count: 0, highest: 0))
    }

    /// Users u1 and u2 of employer 1, without programs.
    static func twoUsers() async throws -> StoreFixture {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        try await f.user("u2")
        return f
    }

    /// User u1 of employer 1, with one repeatable program rewarding every `fact` event.
    static func oneUserOneRepeatableProgram() async throws -> StoreFixture {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        try await f.program("every", try EventReportedRule(type: "fact", value: nil), repeatable: true)
        return f
    }

    @Test("a key that is not a canonical positive integer makes the holding irregular")
    func irregularKeys() async throws {
        let f = try await Self.oneUserOneRepeatableProgram()
        _ = try await f.intake.ingest(f.submission("e1", type: "fact"), now: f.now)
        for key in ["once", "0", "02", "-3", "1.5"] {
            let highest = try await f.database.writer.write { db in
                try db.execute(sql: "UPDATE achievement SET periodKey = ?", arguments: [key])
                return try Int.fetchOne(db, sql: "SELECT highest FROM achievementTally")
            }
            #expect(highest == -1, "\(key)")
        }
    }

    @Test("many periods asked at once are answered from the range between the smallest and largest key")
    func awardedPeriodsByRange() async throws {
        let f = try await Self.oneUserOneRepeatableProgram()
        for index in 1...12 {
            _ = try await f.intake.ingest(f.submission("e\(index)", type: "fact"), now: f.now)
        }
        let held = try await f.database.writer.write { db in
            try db.execute(sql: "DELETE FROM partnerFeedEntry; DELETE FROM achievement WHERE periodKey IN ('2', '11')")
            let program = try String.fetchOne(db, sql: "SELECT id FROM program")!
            let ledger = SQLiteActivityLedger(db: db, userID: "u1")
            return (try ledger.awardedPeriods(programID: program, among: (1...14).map(String.init)),
                    try ledger.awardedPeriods(programID: program, among: ["3", "10", "11", "12", "13"]))
        }
        #expect(held.0 == Set((1...12).map(String.init)).subtracting(["2", "11"]))
        #expect(held.1 == ["3", "10", "12"])
    }

    @Test("once-programs a user earned are read from the tally, each user's alone")
    func earnedOnceFromTheTally() async throws {
        let f = try await Self.twoUsers()
        try await f.program("birth", try EventReportedRule(type: "fact", value: "gave birth"))
        try await f.program("marathon", try EventReportedRule(type: "fact", value: "ran a marathon"))
        _ = try await f.intake.ingest(f.submission("e1", user: "u1", type: "fact", value: "gave birth"), now: f.now)
        _ = try await f.intake.ingest(f.submission("e2", user: "u2", type: "fact", value: "ran a marathon"), now: f.now)
        let earned = try await f.database.writer.read { db in
            let ids = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT name, id FROM program").map { ($0[0] as String, $0[1] as String) })
            let asked = [ids["birth"]!, ids["marathon"]!, "no-such-program"]
            let names = Dictionary(uniqueKeysWithValues: ids.map { ($1, $0) })
            return try ["u1", "u2", "u3"].map { user in
                Set(try SQLiteActivityLedger(db: db, userID: user).earnedOnce(among: asked).compactMap { names[$0] })
            }
        }
        #expect(earned == [["birth"], ["marathon"], []])
    }
}
