import Foundation
import JOSE

/// Signs access tokens: RFC 9068 JWTs (`typ: at+jwt`, ES256) with the ring's current signing key.
struct AccessTokenIssuer: Sendable {
    let settings: TokenSettings
    let keys: SigningKeyRing

    func issue(
               jti: String, clientID: String, subject: String, scopes: ScopeSet, grantID: String?, familyID: String?,
        refreshToken: String?, now: Date
    ) throws -> TokenResponse {
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims = AccessTokenClaims(
            iss: settings.issuer, aud: settings.audience, sub: subject, clientID: clientID,
            scope: scopes.description, jti: jti, iat: issuedAt,
            exp: issuedAt + Int(settings.accessTokenLifetime), grantID: grantID, familyID: familyID)
        let signing = try keys.signingKey(now: now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let jwt = try CompactJWS.sign(payload: try encoder.encode(claims), key: signing.key, kid: signing.kid, typ: "at+jwt")
        return TokenResponse(accessToken: jwt, tokenType: "Bearer", expiresIn: Int(settings.accessTokenLifetime),
                             refreshToken: refreshToken, scope: claims.scope, claims: claims)
    }
}
