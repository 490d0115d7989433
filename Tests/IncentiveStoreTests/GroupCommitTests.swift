import Foundation
import GRDB
import IncentiveStore
import Testing

@Suite("Group commit on a real SQLite file")
struct GroupCommitTests {
    struct Refused: Error {}

    @Test("200 concurrent items, every third throwing after its write: those roll back alone, the rest commit",
          arguments: [GroupCommit<Int, String>.Pace.backToBack, .gathering])
    func failuresRollBackAlone(pace: GroupCommit<Int, String>.Pace) async throws {
        let f = try StoreFixture()
        let commits = GroupCommit<Int, String>(writer: f.database.writer, pace: pace) { index, db in
            try db.execute(sql: "INSERT INTO employer (id, name, createdAt) VALUES (?, 'E', ?)", arguments: ["e\(index)", Date()])
            if index.isMultiple(of: 3) { throw Refused() }
            return "e\(index)"
        }
        let answers = await withTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<200 { group.addTask { (index, try? await commits.submit(index)) } }
            return await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
        }
        let stored = try await f.database.writer.read { db in try Set(String.fetchAll(db, sql: "SELECT id FROM employer WHERE id LIKE 'e%'")) }
        print("200 items in \(commits.batchesWritten) transactions (\(pace))")
        let kept = (0..<200).filter { !$0.isMultiple(of: 3) }
        #expect(answers.compactMap { $0.value == nil ? nil : $0.key }.sorted() == kept)
        #expect(answers.allSatisfy { index, answer in answer == nil || answer == "e\(index)" })
        #expect(stored == Set(kept.map { "e\($0)" }))
    }
}
