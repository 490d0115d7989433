public import Foundation
import GRDB

public struct UserRepository: Sendable {
    let database: IncentiveDatabase

    public init(database: IncentiveDatabase) {
        self.database = database
    }

    public struct Draft: Sendable {
        public var id: String
        public var employerID: String?
        public var timezone: String
        public var username: String?
        public var passwordHash: String?

        public init(id: String, employerID: String?, timezone: String, username: String?, passwordHash: String?) {
            self.id = id
            self.employerID = employerID
            self.timezone = timezone
            self.username = username
            self.passwordHash = passwordHash
        }
    }

    public func create(_ draft: Draft, now: Date = Date(), audit: AuditedChange? = nil) async throws -> UserRecord {
        try await database.writer.write { db in
            guard try UserRecord.fetchOne(db, key: draft.id) == nil else { throw StoreError.duplicate("user \(draft.id)") }
            try Self.requireEmployer(draft.employerID, in: db)
            if let username = draft.username, try UserRecord.filter(Column("username") == username).fetchCount(db) > 0 {
                throw StoreError.duplicate("username \(username)")
            }
            let user = UserRecord(id: draft.id, employerId: draft.employerID, timezone: draft.timezone,
                                  username: draft.username, passwordHash: draft.passwordHash, createdAt: now)
            try user.insert(db)
            try audit?.append(at: now, in: db)
            return user
        }
    }

    /// Changes the employer (`.some(nil)` removes it) and/or the time zone.
    public func update(id: String, employerID: String??, timezone: String?, now: Date = Date(),
                       audit: AuditedChange? = nil) async throws -> UserRecord {
        try await database.writer.write { db in
            guard var user = try UserRecord.fetchOne(db, key: id) else { throw StoreError.notFound("user \(id)") }
            if let employerID {
                try Self.requireEmployer(employerID, in: db)
                user.employerId = employerID
            }
            if let timezone { user.timezone = timezone }
            try user.update(db)
            try audit?.append(at: now, in: db)
            return user
        }
    }

    public func find(_ id: String) async throws -> UserRecord? {
        try await database.writer.read { db in try UserRecord.fetchOne(db, key: id) }
    }

    public func list(after: String?, limit: Int) async throws -> Page<UserRecord> {
        try await database.writer.read { db in
            var request = UserRecord.order(Column("id")).limit(limit + 1)
            if let after { request = request.filter(Column("id") > after) }
            return Page.make(try request.fetchAll(db), limit: limit, key: \.id)
        }
    }

    /// The user, created without employer when the app mentions an unknown one.
    static func findOrCreate(id: String, timezone: String?, now: Date, in db: Database) throws -> UserRecord {
        if let user = try UserRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE id = ?"), arguments: [id]) { return user }
        let user = UserRecord(id: id, employerId: nil, timezone: timezone ?? "UTC", username: nil, passwordHash: nil, createdAt: now)
        try user.insert(db)
        return user
    }

    private static func requireEmployer(_ id: String?, in db: Database) throws {
        guard let id else { return }
        guard try EmployerRecord.fetchOne(db, key: id) != nil else {
            throw StoreError.invalid(field: "employer_id", reason: "no employer \(id)")
        }
    }
}
