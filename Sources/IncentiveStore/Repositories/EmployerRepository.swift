public import Foundation
import GRDB

public struct EmployerRepository: Sendable {
    let database: IncentiveDatabase

    public init(database: IncentiveDatabase) {
        self.database = database
    }

    public func create(id: String, name: String, now: Date = Date(), audit: AuditedChange? = nil) async throws -> EmployerRecord {
        try await database.writer.write { db in
            guard try EmployerRecord.fetchOne(db, key: id) == nil else { throw StoreError.duplicate("employer \(id)") }
            let employer = EmployerRecord(id: id, name: name, createdAt: now)
            try employer.insert(db)
            try audit?.append(at: now, in: db)
            return employer
        }
    }

    public func find(_ id: String) async throws -> EmployerRecord? {
        try await database.writer.read { db in try EmployerRecord.fetchOne(db, key: id) }
    }

    public func list(after: String?, limit: Int) async throws -> Page<EmployerRecord> {
        try await database.writer.read { db in
            var request = EmployerRecord.order(Column("id")).limit(limit + 1)
            if let after { request = request.filter(Column("id") > after) }
            return Page.make(try request.fetchAll(db), limit: limit, key: \.id)
        }
    }
}
