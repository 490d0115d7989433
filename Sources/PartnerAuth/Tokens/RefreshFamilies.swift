import Foundation
import GRDB
import IncentiveStore

/// Refresh token families: the family a code exchange starts, rotation on every refresh (of
/// concurrent refreshes with one token exactly one wins), and revocation of the whole family when
/// a rotated token or a used code comes back. Every change is audited in its own transaction.
struct RefreshFamilies: Sendable {
    let settings: TokenSettings
    let database: IncentiveDatabase
    let audit: AuditChain
    let tokens: OpaqueToken
    let issuer: AccessTokenIssuer
    let subjects: @Sendable (String) -> PairwiseIdentifiers

    /// Audited as `token.issued` (or `reuse.detected` for a code used twice) in the same transaction.
    func exchangeCode(partner: PartnerRecord, code: String, redirectURI: String?, verifier: String?, now: Date = Date(),
                      source: AuditSource = .none) async throws -> TokenResponse {
        guard let verifier, PKCE.isWellFormedVerifier(verifier) else { throw OAuthError.invalidGrant("code_verifier is missing or malformed") }
        let jti = OpaqueToken.identifier("jti_")
        let outcome: Result<(GrantRecord, RefreshFamilyRecord, String), OAuthError> = try await database.writer.write { db in
            guard var record = try AuthorizationCodeRecord.fetchOne(db, key: tokens.hash(code)), record.clientId == partner.clientId else {
                return .failure(.invalidGrant("unknown code"))
            }
            if record.usedAt != nil {
                // A reused code: revoke what it issued, then refuse (the revocation must commit).
                if let familyID = record.familyId { try Self.revokeFamily(familyID, reason: "code reuse", now: now, in: db) }
                try audit.appendChange(.reuseDetected, outcome: .denied, client: partner.clientId, grant: record.grantId, source, now, in: db,
                                detail: ["token": "authorization_code", "family_id": record.familyId ?? ""])
                return .failure(.reuseDetected("code already used"))
            }
            record.usedAt = now
            try record.update(db)
            guard record.expiresAt > now else { return .failure(.invalidGrant("code expired")) }
            guard record.redirectUri == redirectURI else { return .failure(.invalidGrant("redirect_uri does not match the authorization request")) }
            guard PKCE.matches(verifier: verifier, challenge: record.codeChallenge) else { return .failure(.invalidGrant("code_verifier does not match")) }
            guard let grant = try GrantRecord.fetchOne(db, key: record.grantId), grant.revokedAt == nil else {
                return .failure(.invalidGrant("the grant was revoked"))
            }
            let (family, refreshToken) = try newFamily(grant: grant, scopes: record.scopes, now: now, in: db)
            record.familyId = family.id
            try record.update(db)
            try audit.appendChange(.tokenIssued, client: partner.clientId, grant: grant.id, jti: jti, source, now, in: db,
                            detail: ["grant_type": "authorization_code", "family_id": family.id])
            return .success((grant, family, refreshToken))
        }
        let (grant, family, refreshToken) = try outcome.get()
        return try issuer.issue(jti: jti, clientID: partner.clientId, subject: subjects(partner.clientId).subject(of: grant.userId),
                               scopes: ScopeSet(parsing: family.scopes), grantID: grant.id,
                               familyID: family.id, refreshToken: refreshToken, now: now)
    }

    private func newFamily(grant: GrantRecord, scopes: String, now: Date, in db: Database) throws -> (RefreshFamilyRecord, String) {
        let family = RefreshFamilyRecord(id: OpaqueToken.identifier("fam_"), grantId: grant.id, clientId: grant.clientId,
                                         scopes: scopes, createdAt: now, lastUsedAt: now, revokedAt: nil, revokedReason: nil)
        try family.insert(db)
        return (family, try newRefreshToken(familyID: family.id, now: now, in: db))
    }

    private func newRefreshToken(familyID: String, now: Date, in db: Database) throws -> String {
        let token = tokens.make(prefix: "irt_")
        try RefreshTokenRecord(hash: tokens.hash(token), familyId: familyID, createdAt: now, rotatedAt: nil).insert(db)
        return token
    }

    /// Rotates `refreshToken` atomically: of concurrent refreshes with one token exactly one wins.
    /// Audited as `token.refreshed` (or `reuse.detected`) in the same transaction, so a refresh whose
    /// row cannot be written rotates nothing and its retry is no reuse.
    func refresh(partner: PartnerRecord, refreshToken: String, scope: String?, now: Date = Date(),
                 source: AuditSource = .none) async throws -> TokenResponse {
        let settings = settings
        let jti = OpaqueToken.identifier("jti_")
        let outcome: Result<(GrantRecord, RefreshFamilyRecord, String, ScopeSet), OAuthError> = try await database.writer.write { db in
            guard var token = try RefreshTokenRecord.fetchOne(db, key: tokens.hash(refreshToken)),
                  var family = try RefreshFamilyRecord.fetchOne(db, key: token.familyId), family.clientId == partner.clientId
            else { return .failure(.invalidGrant("unknown refresh token")) }
            guard family.revokedAt == nil else { return .failure(.invalidGrant("the refresh token was revoked")) }
            if let rotatedAt = token.rotatedAt {
                if now.timeIntervalSince(rotatedAt) <= settings.refreshRetryWindow {
                    return .failure(.invalidGrant("the refresh token was just rotated"))
                }
                try Self.revokeFamily(family.id, reason: "refresh token reuse", now: now, in: db)
                try audit.appendChange(.reuseDetected, outcome: .denied, client: partner.clientId, grant: family.grantId, source, now, in: db,
                                detail: ["token": "refresh_token", "family_id": family.id])
                return .failure(.reuseDetected("refresh token reuse: the family is revoked"))
            }
            guard now.timeIntervalSince(family.lastUsedAt) <= settings.refreshIdleLifetime,
                  now.timeIntervalSince(family.createdAt) <= settings.refreshAbsoluteLifetime
            else { return .failure(.invalidGrant("the refresh token expired")) }
            guard let grant = try GrantRecord.fetchOne(db, key: family.grantId), grant.revokedAt == nil else {
                return .failure(.invalidGrant("the grant was revoked"))
            }
            // Checked before rotating: a refused scope must not use up the token.
            let granted: ScopeSet
            do throws(OAuthError) {
                granted = try ScopeSet.requested(scope, allowed: ScopeSet(parsing: family.scopes))
            } catch {
                return .failure(error)
            }
            token.rotatedAt = now
            try token.update(db)
            family.lastUsedAt = now
            try family.update(db)
            try audit.appendChange(.tokenRefreshed, client: partner.clientId, grant: grant.id, jti: jti, source, now, in: db,
                            detail: ["grant_type": "refresh_token", "family_id": family.id])
            return .success((grant, family, try newRefreshToken(familyID: family.id, now: now, in: db), granted))
        }
        let (grant, family, newToken, granted) = try outcome.get()
        return try issuer.issue(jti: jti, clientID: partner.clientId, subject: subjects(partner.clientId).subject(of: grant.userId),
                               scopes: granted, grantID: grant.id, familyID: family.id, refreshToken: newToken, now: now)
    }

    static func revokeFamily(_ id: String, reason: String, now: Date, in db: Database) throws {
        try db.execute(sql: "UPDATE refreshFamily SET revokedAt = ?, revokedReason = ? WHERE id = ? AND revokedAt IS NULL",
                       arguments: [now, reason, id])
    }
}
