import Foundation
import GRDB
import IncentiveStore

/// RFC 7009 revocation by the client a token was issued to.
struct TokenRevocation: Sendable {
    let database: IncentiveDatabase
    let audit: AuditChain
    let tokens: OpaqueToken
    let verifier: AccessTokenVerifier

    /// RFC 7009. A token of another client is refused and stays valid; an unknown token is fine.
    /// Audited as `token.revoked` in the same transaction.
    func revoke(partner: PartnerRecord, token: String, hint: String? = nil, now: Date = Date(),
                source: AuditSource = .none) async throws {
        let detail = ["token_type_hint": hint ?? ""]
        if let claims = try? verifier.decode(accessToken: token, now: now) {
            guard claims.clientID == partner.clientId else { throw OAuthError.unauthorizedClient("the token was issued to another client") }
            try await database.writer.write { db in
                try RevokedAccessTokenRecord(jti: claims.jti, expiresAt: Date(timeIntervalSince1970: Double(claims.exp))).save(db)
                try audit.appendChange(.tokenRevoked, client: partner.clientId, grant: claims.grantID, jti: claims.jti, source, now, in: db,
                                detail: detail)
            }
            return
        }
        let hash = tokens.hash(token)
        try await database.writer.write { db in
            let family = try RefreshTokenRecord.fetchOne(db, key: hash).flatMap { try RefreshFamilyRecord.fetchOne(db, key: $0.familyId) }
            if let family {
                guard family.clientId == partner.clientId else { throw OAuthError.unauthorizedClient("the token was issued to another client") }
                try RefreshFamilies.revokeFamily(family.id, reason: "revoked by the client", now: now, in: db)
            }
            try audit.appendChange(.tokenRevoked, client: partner.clientId, grant: family?.grantId, source, now, in: db, detail: detail)
        }
    }
}
