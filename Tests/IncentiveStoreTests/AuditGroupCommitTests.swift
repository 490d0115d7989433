import Foundation
import IncentiveStore
import Testing

@Suite("Audit rows group-committed on a real SQLite file")
struct AuditGroupCommitTests {
    @Test("300 concurrent appends: each caller gets its own durable row, the chain verifies, batches are shared")
    func concurrentAppends() async throws {
        let f = try StoreFixture()
        let chain = AuditChain(database: f.database, key: Array(repeating: 7, count: 32))
        let writer = AuditGroupCommit(chain: chain)
        let macs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<300 {
                group.addTask { try await writer.append(AuditFact(type: "partner.call", outcome: "ok", rows: index)) }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        let rows = try await chain.rows(limit: 1000)
        print("300 appends in \(writer.batchesWritten) transactions")
        #expect(Set(macs).count == 300)
        #expect(Set(rows.map(\.mac)) == Set(macs))  // every returned MAC is a committed row
        #expect(Set(rows.compactMap(\.rows)) == Set(0..<300))
        #expect(try await chain.verify(expectHead: rows.last!.mac) == .intact(rows: 300, head: rows.last!.mac))
    }
}
