import Foundation
import GRDB

/// A store's schema as text: every row of `sqlite_master` by name, its SQL exactly as SQLite keeps it.
struct SchemaSnapshot: Equatable {
    struct Entry: Equatable {
        let type: String
        let name: String
        let tableName: String
        let sql: String?

        var heading: String {
            let owner = name == tableName ? "" : " on \(tableName)"
            return "-- \(type) \(name)\(owner)\(sql == nil ? ": no SQL (made by SQLite)" : "")"
        }

        var text: String { sql.map { "\(heading)\n\($0);\n" } ?? "\(heading)\n" }
    }

    let entries: [Entry]

    init(_ db: Database) throws {
        entries = try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name, type").map { row in
            Entry(type: row[0], name: row[1], tableName: row[2], sql: row[3])
        }
    }

    var text: String { entries.map(\.text).joined(separator: "\n") }

    /// What a migration changed: the entries it added or whose SQL it changed, then those it dropped.
    func changes(since earlier: SchemaSnapshot) -> String {
        let before = Dictionary(uniqueKeysWithValues: earlier.entries.map { ("\($0.type) \($0.name)", $0) })
        let after = Set(entries.map { "\($0.type) \($0.name)" })
        let added = entries.filter { before["\($0.type) \($0.name)"] != $0 }
        let dropped = earlier.entries.filter { !after.contains("\($0.type) \($0.name)") }
        return (added.map(\.text) + dropped.map { "-- dropped: \($0.type) \($0.name)\n" }).joined(separator: "\n")
    }

    /// The schema after each migration of `migrator`, as the changes each one made.
    static func history(of migrator: DatabaseMigrator) throws -> String {
        let queue = try DatabaseQueue()
        var earlier = try queue.read(SchemaSnapshot.init)
        var sections: [String] = []
        for identifier in migrator.migrations {
            try migrator.migrate(queue, upTo: identifier)
            let later = try queue.read(SchemaSnapshot.init)
            sections.append("-- ======== \(identifier)\n\n\(later.changes(since: earlier))")
            earlier = later
        }
        return sections.joined(separator: "\n")
    }
}
