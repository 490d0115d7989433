import Foundation
import GRDB
import IncentiveStore
import Testing

@Suite("WAL checkpoints in the background")
struct WALCheckpointerTests {
    @Test("committed rows reach the database file itself without any further write")
    func rowsReachTheDatabaseFile() async throws {
        let f = try StoreFixture()
        for index in 0..<20 { try await f.employer("e\(index)") }
        // The main file alone, copied without its WAL, holds what a checkpoint copied into it.
        let start = Date()
        var found = 0
        while found < 20, Date().timeIntervalSince(start) < 30 {
            try await Task.sleep(for: .milliseconds(100))
            let copy = f.folder.appendingPathComponent("copy-\(UUID().uuidString).sqlite")
            try FileManager.default.copyItem(at: f.folder.appendingPathComponent(IncentiveDatabase.fileName), to: copy)
            found = try await DatabaseQueue(path: copy.path).read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM employer WHERE id LIKE 'e%'") ?? 0
            }
        }
        print("checkpointed into the file after \(Date().timeIntervalSince(start)) s")
        #expect(found == 20)
    }
}
