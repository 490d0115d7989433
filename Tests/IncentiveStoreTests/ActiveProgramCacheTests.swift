import Foundation
import IncentiveEngine
@testable import IncentiveStore
import Testing

@Suite("Active programs kept decoded between events")
struct ActiveProgramCacheTests {
    @Test("a program changed, added or switched off between events counts from the next event on")
    func changesReachTheNextEvent() async throws {
        let f = try StoreFixture()
        try await f.employer()
        for user in ["u1", "u2", "u3", "u4"] { try await f.user(user) }
        let first = try await f.program("first", try EventReportedRule(type: "fact", value: nil))
        let programs = ProgramRepository(database: f.database)
        // One user per step: each program rewards a user once.
        func rewards(_ user: String) async throws -> [String] {
            f.rewards(try await f.intake.ingest(f.submission("e", user: user, type: "fact"), now: f.now))
        }
        #expect(try await rewards("u1") == ["first"])
        _ = try await programs.update(employerID: "1", programID: first.id, .init(active: false))
        #expect(try await rewards("u2") == [])
        _ = try await programs.update(employerID: "1", programID: first.id, .init(active: true, name: "renamed"))
        #expect(try await rewards("u3") == ["renamed"])
        try await f.program("second", try EventReportedRule(type: "fact", value: nil))
        #expect(try await rewards("u4") == ["renamed", "second"])
    }

    @Test("a change made through another connection to the file (a CLI command) is seen too")
    func changesFromAnotherConnection() async throws {
        let f = try StoreFixture()
        try await f.employer()
        try await f.user("u1")
        let program = try await f.program("p", try EventReportedRule(type: "fact", value: nil), repeatable: true)
        #expect(f.rewards(try await f.intake.ingest(f.submission("e1", type: "fact"), now: f.now)) == ["p"])
        let other = try IncentiveDatabase(directory: f.folder)
        _ = try await ProgramRepository(database: other).update(employerID: "1", programID: program.id, .init(active: false))
        #expect(f.rewards(try await f.intake.ingest(f.submission("e2", type: "fact"), now: f.now)) == [])
    }
}
