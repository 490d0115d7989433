import Foundation
import GRDB
import IncentiveStore

/// A user's consent to a partner (one active grant per user and partner) and the single-use
/// authorization codes issued under it. Every change is audited in its own transaction.
struct GrantLedger: Sendable {
    let settings: TokenSettings
    let database: IncentiveDatabase
    let audit: AuditChain
    let tokens: OpaqueToken

    /// The user's active grant to the partner if it covers `scopes`, else a new grant.
    /// Audited as `consent.granted` either way, in the same transaction.
    func grant(userID: String, partner: PartnerRecord, scopes: ScopeSet, now: Date = Date(),
               source: AuditSource = .none) async throws -> GrantRecord {
        try await database.writer.write { db in
            let existing = try Self.activeGrant(userID: userID, clientID: partner.clientId, in: db)
            let scope = scopes.description
            if let existing, scopes.isSubset(of: ScopeSet(parsing: existing.scopes)) {
                try audit.appendChange(.consentGranted, client: partner.clientId, user: userID, grant: existing.id, source, now, in: db,
                                detail: ["scope": scope])
                return existing
            }
            let grant = GrantRecord(id: OpaqueToken.identifier("grt_"), userId: userID, clientId: partner.clientId,
                                    scopes: scope, createdAt: now, revokedAt: nil)
            try grant.insert(db)
            // The wider grant replaces the old one. Inserted first, so the user's rows stay in the
            // partner's feed at the positions the partner has seen instead of leaving and coming
            // back as new ones.
            if var replaced = existing {
                replaced.revokedAt = now
                try replaced.update(db)
            }
            try audit.appendChange(.consentGranted, client: partner.clientId, user: userID, grant: grant.id, source, now, in: db,
                            detail: ["scope": scope])
            return grant
        }
    }

    func activeGrant(userID: String, clientID: String) async throws -> GrantRecord? {
        try await database.writer.read { db in try Self.activeGrant(userID: userID, clientID: clientID, in: db) }
    }

    /// Revokes a grant with immediate effect: its tokens fail their next call, its refresh families die.
    /// With `userID`, only that user's grant (a user revoking their own). Audited as `consent.revoked`
    /// with `detail` (who revoked), and `adminChange` if an admin did, in the same transaction.
    func revokeGrant(id: String, userID: String? = nil, now: Date = Date(), source: AuditSource = .none,
                     detail: [String: String] = [:], adminChange: AuditedChange? = nil) async throws {
        try await database.writer.write { db in
            guard var grant = try GrantRecord.fetchOne(db, key: id), userID == nil || grant.userId == userID else {
                throw StoreError.notFound("grant \(id)")
            }
            guard grant.revokedAt == nil else {
                try adminChange?.append(at: now, in: db)  // asked and answered, though nothing changed
                return
            }
            grant.revokedAt = now
            try grant.update(db)
            try db.execute(sql: "UPDATE refreshFamily SET revokedAt = ?, revokedReason = 'grant revoked' WHERE grantId = ? AND revokedAt IS NULL",
                           arguments: [now, id])
            try audit.appendChange(.consentRevoked, client: grant.clientId, user: grant.userId, grant: id, source, now, in: db, detail: detail)
            try adminChange?.append(at: now, in: db)
        }
    }

    /// Grants of a user (with `userID`) or to a partner (with `clientID`), newest first.
    func grants(userID: String? = nil, clientID: String? = nil) async throws -> [GrantRecord] {
        try await database.writer.read { db in
            var request = GrantRecord.order(Column("createdAt").desc, Column("id"))
            if let userID { request = request.filter(Column("userId") == userID) }
            if let clientID { request = request.filter(Column("clientId") == clientID) }
            return try request.fetchAll(db)
        }
    }

    static func activeGrant(userID: String, clientID: String, in db: Database) throws -> GrantRecord? {
        try GrantRecord.filter(Column("userId") == userID && Column("clientId") == clientID && Column("revokedAt") == nil)
            .order(Column("createdAt").desc).fetchOne(db)
    }

    /// A single-use code bound to the client, redirect URI and PKCE challenge.
    /// - Parameter scopes: what this authorization asked for (within the grant); the grant's own when nil.
    func issueCode(grant: GrantRecord, scopes: ScopeSet? = nil, redirectURI: String, codeChallenge: String, now: Date = Date()) async throws -> String {
        let code = tokens.make(prefix: "")
        let record = AuthorizationCodeRecord(
            hash: tokens.hash(code), clientId: grant.clientId, grantId: grant.id, redirectUri: redirectURI,
            codeChallenge: codeChallenge, scopes: scopes?.description ?? grant.scopes, expiresAt: now.addingTimeInterval(settings.codeLifetime),
            usedAt: nil, familyId: nil)
        try await database.writer.write { db in try record.insert(db) }
        return code
    }
}
