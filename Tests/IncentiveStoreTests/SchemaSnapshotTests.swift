import Foundation
import GRDB
@testable import IncentiveStore
import Testing

/// The committed schema snapshots are the record of what the shipped migrations build: a store
/// migrated today must match them byte for byte. `scripts/schema-snapshot.sh` rewrites them, only
/// for a deliberate change (a new migration), and the diff belongs in that change's review.
@Suite("The schema the migrations build")
struct SchemaSnapshotTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/IncentiveStore/Migrations").standardized
    static let recording = ProcessInfo.processInfo.environment["INCENTIVES_RECORD_SCHEMA"] == "1"

    static func compare(_ actual: String, with file: String) throws {
        let url = folder.appendingPathComponent(file)
        if recording {
            try Data(actual.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(file) differs from a store migrated now; see scripts/schema-snapshot.sh")
    }

    @Test("a freshly migrated store has exactly the schema of schema.sql")
    func latestSchema() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try IncentiveDatabase(directory: directory)
        let snapshot = try database.writer.read(SchemaSnapshot.init)
        try Self.compare(snapshot.text, with: "schema.sql")
    }

    @Test("the migrations keep the identifiers shipped stores recorded, in order")
    func shippedIdentifiers() {
        #expect(IncentiveDatabase.migrator.migrations == [
            "v1-core", "v2-partner-access", "v3-sessions", "v4-audit", "v5-job-programs", "v6-partner-feed",
            "v7-activity-totals", "v8-activity-day-covering-index", "v9-achievement-tally", "v10-program-generation",
            "v11-program-change-stamps", "v12-feed-follows-every-grant-change", "v13-activity-masks",
            "v14-partner-local-feed-positions",
        ])
    }

    @Test("every migration changes the schema exactly as schema-history.sql records")
    func schemaAfterEveryMigration() throws {
        try Self.compare(SchemaSnapshot.history(of: IncentiveDatabase.migrator), with: "schema-history.sql")
    }
}
