import Foundation
import GRDB
import IncentiveStore
import JOSE

/// Checks access tokens: signature (a key of the ring that still verifies), issuer, audience and
/// times, each token's signature verified once while its key stays; and for a resource call,
/// uncached, everything a revocation can reach.
struct AccessTokenVerifier: Sendable {
    let settings: TokenSettings
    let keys: SigningKeyRing
    let database: IncentiveDatabase
    let verified = VerifiedTokenCache()

    /// The claims of a well-signed, unexpired token of this issuer and audience (no database checks).
    func decode(accessToken: String, now: Date = Date()) throws(OAuthError) -> AccessTokenClaims {
        let claims = try verifiedClaims(accessToken, now: now)
        guard claims.iss == settings.issuer else { throw .invalidToken("wrong issuer") }
        guard claims.aud == settings.audience else { throw .invalidToken("wrong audience") }
        try checkTimes(claims, now: now.timeIntervalSince1970)
        return claims
    }

    /// Expiry, and what only a faulty issuer or a leaked key would sign: a lifetime longer than we
    /// issue, or a start (`iat`, `nbf`) in the future beyond the leeway.
    private func checkTimes(_ claims: AccessTokenClaims, now: TimeInterval) throws(OAuthError) {
        let leeway = settings.clockLeeway
        guard Double(claims.exp) + leeway > now else { throw .invalidToken("the token expired") }
        guard Double(claims.exp) - Double(claims.iat) <= settings.longestAcceptedLifetime else {
            throw .invalidToken("the token lives longer than the tokens this server issues")
        }
        guard Double(max(claims.iat, claims.nbf ?? claims.iat)) - leeway <= now else { throw .invalidToken("the token is not valid yet") }
    }

    /// The claims of a token signed by a key of the ring, verified once per token while its key verifies.
    private func verifiedClaims(_ token: String, now: Date) throws(OAuthError) -> AccessTokenClaims {
        if let known = verified.entry(for: token), keys.verificationKey(kid: known.kid, now: now) != nil { return known.claims }
        let header: JWSHeader, payload: Data
        do {
            (header, payload) = try CompactJWS.verify(token, typ: "at+jwt") { kid in keys.verificationKey(kid: kid, now: now) }
        } catch {
            throw .invalidToken("the token is not a valid access token (\(error))")
        }
        guard let claims = try? JSONDecoder().decode(AccessTokenClaims.self, from: payload), let kid = header.kid else {
            throw .invalidToken("the token's claims are malformed")
        }
        verified.remember(token, kid: kid, claims: claims)
        return claims
    }

    /// Checks a bearer token for a resource call: signature and claims, then, uncached, that its
    /// client is enabled, its `jti` not revoked, its grant active and its family not revoked.
    func verifyBearer(_ token: String, requiredScope: String, now: Date = Date()) throws -> BearerIdentity {
        let claims = try decode(accessToken: token, now: now)
        let userID = try database.readNow { db in try Self.revocationCheck(claims, in: db) }
        guard claims.scopes.contains(requiredScope) else { throw OAuthError.insufficientScope("this needs the scope \(requiredScope)") }
        return BearerIdentity(clientID: claims.clientID, subject: claims.sub, userID: userID, grantID: claims.grantID,
                              familyID: claims.familyID, scopes: claims.scopes, jti: claims.jti)
    }

    /// Everything a revocation can reach, in one statement: client enabled, `jti` not revoked,
    /// family (if any) not revoked, grant (if any) active. Returns the grant's user.
    static func revocationCheck(_ claims: AccessTokenClaims, in db: Database) throws -> String? {
        let statement = try db.cachedStatement(sql: """
            SELECT (SELECT disabled FROM partner WHERE clientId = ?),
                   EXISTS (SELECT 1 FROM revokedAccessToken WHERE jti = ?),
                   (SELECT revokedAt IS NULL FROM refreshFamily WHERE id = ?),
                   (SELECT userId FROM "grant" WHERE id = ? AND revokedAt IS NULL)
            """)
        guard let row = try Row.fetchOne(statement, arguments: [claims.clientID, claims.jti, claims.familyID, claims.grantID]) else {
            throw OAuthError.invalidToken("the token could not be checked")
        }
        guard let disabled: Bool = row[0], !disabled else { throw OAuthError.invalidToken("the client is disabled") }
        let jtiRevoked: Bool = row[1]
        guard !jtiRevoked else { throw OAuthError.invalidToken("the token was revoked") }
        let familyActive: Bool? = row[2]
        if claims.familyID != nil, familyActive != true {
            throw OAuthError.invalidToken("the token's refresh family was revoked")
        }
        guard claims.grantID != nil else { return nil }
        guard let userID: String = row[3] else { throw OAuthError.invalidToken("the grant was revoked") }
        return userID
    }

    /// True when no revocation reaches the token (for introspection).
    func isUnrevoked(_ claims: AccessTokenClaims) -> Bool {
        do {
            _ = try database.readNow { db in try Self.revocationCheck(claims, in: db) }
            return true
        } catch {
            return false
        }
    }
}
