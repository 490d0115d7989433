import Foundation
import GRDB
import IncentiveStore
import Testing

@Suite("The audit chain on a real SQLite file")
struct AuditChainTests {
    func chain(rows: Int, at start: Date = Date(timeIntervalSince1970: 1_790_000_000)) async throws -> (StoreFixture, AuditChain) {
        let f = try StoreFixture()
        let chain = AuditChain(database: f.database, key: Array(repeating: 9, count: 32))
        for index in 0..<rows {
            try await chain.append(AuditFact(type: "token.issued", outcome: "ok", clientID: "cli_\(index % 3)",
                                             detail: #"{"n":\#(index)}"#), at: start.addingTimeInterval(Double(index)))
        }
        return (f, chain)
    }

    func sql(_ f: StoreFixture, _ statement: String) async throws {
        try await f.database.writer.write { db in try db.execute(sql: statement) }
    }

    @Test("an untouched chain verifies and reports its head")
    func intact() async throws {
        let (_, chain) = try await chain(rows: 20)
        let head = try await chain.head()
        #expect(try await chain.verify(expectHead: head) == .intact(rows: 20, head: head))
        #expect(head.count == 64 && head != AuditChain.genesis)
    }

    @Test("an edited row is named")
    func edited() async throws {
        let (f, chain) = try await chain(rows: 20)
        try await sql(f, "UPDATE auditEvent SET outcome = 'denied' WHERE seq = 7")
        guard case .broken(let seq, _) = try await chain.verify() else { Issue.record("not detected"); return }
        #expect(seq == 7)
    }

    @Test("a deleted row is named by the gap it leaves")
    func deleted() async throws {
        let (f, chain) = try await chain(rows: 20)
        try await sql(f, "DELETE FROM auditEvent WHERE seq = 9")
        #expect(try await chain.verify() == .broken(seq: 10, reason: "row 9 is missing"))
    }

    @Test("an inserted row, even renumbered into place, breaks the chain where it stands")
    func inserted() async throws {
        let (f, chain) = try await chain(rows: 20)
        try await sql(f, "UPDATE auditEvent SET seq = seq + 1000 WHERE seq > 12")
        try await sql(f, "UPDATE auditEvent SET seq = seq - 999 WHERE seq > 1000")
        try await sql(f, """
            INSERT INTO auditEvent (seq, at, type, outcome, mac) VALUES (13, '2026-01-01 00:00:00.000', 'sign_in', 'ok', '\(String(repeating: "a", count: 64))')
            """)
        guard case .broken(let seq, _) = try await chain.verify() else { Issue.record("not detected"); return }
        #expect(seq == 13)
    }

    @Test("rows cut off the end are caught against the expected head")
    func truncated() async throws {
        let (f, chain) = try await chain(rows: 20)
        let head = try await chain.head()
        try await sql(f, "DELETE FROM auditEvent WHERE seq > 17")
        guard case .truncated(_, let expected) = try await chain.verify(expectHead: head) else { Issue.record("not detected"); return }
        #expect(expected == head)
    }

    @Test("a wrong key cannot produce the chain")
    func otherKey() async throws {
        let (f, _) = try await chain(rows: 5)
        let forger = AuditChain(database: f.database, key: Array(repeating: 1, count: 32))
        guard case .broken(let seq, _) = try await forger.verify() else { Issue.record("not detected"); return }
        #expect(seq == 1)
    }

    @Test("retention deletes in batches, leaves an anchor, and the rest still verifies")
    func retention() async throws {
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let (f, chain) = try await chain(rows: 30, at: start)
        #expect(try await chain.applyRetention(before: start.addingTimeInterval(12), batchSize: 5) == 12)
        let verdict = try await chain.verify()
        guard case .intact(let rows, _) = verdict else { Issue.record("retention broke the chain: \(verdict)"); return }
        #expect(rows == 18 + 3)  // 18 left and one anchor a batch (5, 5, 2)
        try await chain.append(AuditFact(type: "grant.revoked", outcome: "ok"))
        // A second past now: the row just appended may carry this very millisecond.
        #expect(try await chain.applyRetention(before: Date().addingTimeInterval(1), batchSize: 100) == 22)
        guard case .intact = try await chain.verify() else { Issue.record("a second retention broke the chain"); return }
        try await chain.append(AuditFact(type: "sign_in", outcome: "ok"))
        let sequences = try await chain.rows().compactMap(\.seq)
        #expect(sequences.count == 2 && sequences.allSatisfy { $0 > 31 })  // the sequence goes on after deleting every row
        try await sql(f, "DELETE FROM auditEvent WHERE type = 'audit.anchor'")
        guard case .broken = try await chain.verify() else { Issue.record("missing anchors went unnoticed"); return }
    }
}
