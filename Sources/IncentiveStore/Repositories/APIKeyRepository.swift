public import Foundation
import GRDB
import OpenSSLCrypto

/// Scopes an API key can carry.
public enum APIScope: String, Sendable, CaseIterable, Codable {
    case admin
    case eventsWrite = "events:write"
    case auditRead = "audit:read"
    case metricsRead = "metrics:read"
}

/// An authenticated API key.
public struct APIKey: Sendable, Equatable {
    public let id: String
    public let name: String
    public let scopes: Set<APIScope>
}

/// API keys: `ink_<id>_<secret>`, shown once, stored as HMAC-SHA-256 under a server key (random
/// keys need no slow hash), listed by id and revocable.
public struct APIKeyRepository: Sendable {
    public static let prefix = "ink_"
    let database: IncentiveDatabase
    let hmacKey: HMACSHA256Key

    public init(database: IncentiveDatabase, hmacKey: [UInt8]) {
        self.database = database
        self.hmacKey = HMACSHA256Key(hmacKey)
    }

    /// Creates a key; the returned plaintext is never stored and cannot be shown again.
    public func create(name: String, scopes: Set<APIScope>, now: Date = Date(),
                       audit: AuditedChange? = nil) async throws -> (record: APIKeyRecord, plaintext: String) {
        guard !scopes.isEmpty else { throw StoreError.invalid(field: "scope", reason: "at least one scope is required") }
        let id = Hex.encode(SecureRandom.bytes(5))
        let plaintext = Self.prefix + id + "_" + Base64URL.encode(SecureRandom.bytes(32))
        let record = APIKeyRecord(id: id, name: name, hash: hash(plaintext),
                                  scopes: scopes.map(\.rawValue).sorted().joined(separator: " "), createdAt: now, revokedAt: nil)
        try await database.writer.write { db in
            try record.insert(db)
            try audit?.append(at: now, in: db)
        }
        return (record, plaintext)
    }

    /// The key's identity and scopes, or nil for an unknown, malformed or revoked key.
    public func authenticate(_ presented: String) throws -> APIKey? {
        guard presented.hasPrefix(Self.prefix), presented.count < 200 else { return nil }
        let digest = hash(presented)
        // The three columns the answer needs, by position: decoding the whole record through
        // `Decodable` (dates included) was a tenth of an event request's cooperative-thread time.
        guard let row = try database.readNow({ db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT id, name, scopes FROM apiKey WHERE hash = ? AND revokedAt IS NULL"),
                             arguments: [digest])
        }) else { return nil }
        let scopes = Set((row[2] as String).split(separator: " ").compactMap { APIScope(rawValue: String($0)) })
        return APIKey(id: row[0], name: row[1], scopes: scopes)
    }

    public func list() async throws -> [APIKeyRecord] {
        try await database.writer.read { db in try APIKeyRecord.order(Column("createdAt"), Column("id")).fetchAll(db) }
    }

    /// Revokes a key at once; returns false when there is no such key.
    public func revoke(id: String, now: Date = Date(), audit: AuditedChange? = nil) async throws -> Bool {
        try await database.writer.write { db in
            guard var record = try APIKeyRecord.fetchOne(db, key: id) else { return false }
            if record.revokedAt == nil { record.revokedAt = now }
            try record.update(db)
            try audit?.append(at: now, in: db)
            return true
        }
    }

    private func hash(_ plaintext: String) -> String {
        Hex.encode(hmacKey.authenticationCode(for: Array(plaintext.utf8)))
    }
}
