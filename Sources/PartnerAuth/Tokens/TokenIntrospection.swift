import Foundation
import GRDB
import IncentiveStore

/// RFC 7662 introspection: a client sees only its own live tokens as active.
struct TokenIntrospection: Sendable {
    let settings: TokenSettings
    let database: IncentiveDatabase
    let tokens: OpaqueToken
    let verifier: AccessTokenVerifier

    /// RFC 7662: a client sees only its own live tokens as active.
    func introspect(partner: PartnerRecord, token: String, now: Date = Date()) async throws -> Introspection {
        let settings = settings
        if let claims = try? verifier.decode(accessToken: token, now: now), claims.clientID == partner.clientId,
           verifier.isUnrevoked(claims) {
            return Introspection(active: true, scope: claims.scope, clientID: claims.clientID, sub: claims.sub,
                                 exp: claims.exp, iat: claims.iat, tokenType: "Bearer", iss: claims.iss, aud: claims.aud, jti: claims.jti)
        }
        let hash = tokens.hash(token)
        let family: RefreshFamilyRecord? = try await database.writer.read { db in
            guard let record = try RefreshTokenRecord.fetchOne(db, key: hash), record.rotatedAt == nil,
                  let family = try RefreshFamilyRecord.fetchOne(db, key: record.familyId), family.revokedAt == nil,
                  now.timeIntervalSince(family.lastUsedAt) <= settings.refreshIdleLifetime,
                  now.timeIntervalSince(family.createdAt) <= settings.refreshAbsoluteLifetime,
                  let grant = try GrantRecord.fetchOne(db, key: family.grantId), grant.revokedAt == nil
            else { return nil }
            return family
        }
        guard let family, family.clientId == partner.clientId else { return .inactive }
        return Introspection(active: true, scope: family.scopes, clientID: family.clientId, sub: nil, exp: nil, iat: nil,
                             tokenType: "refresh_token", iss: settings.issuer, aud: nil, jti: nil)
    }
}
