import Foundation
import IncentiveStore
import JOSE
import OpenSSLCrypto
import PartnerAuth
import Testing

@Suite("OAuth tokens on a real SQLite file")
struct TokenServiceTests {
    @Test("PKCE: the RFC 7636 appendix B verifier and challenge; plain-looking or short verifiers refused")
    func pkce() {
        #expect(PKCE.challenge(for: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(!PKCE.isWellFormedVerifier("short"))
        #expect(PKCE.isWellFormedChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(!PKCE.isWellFormedChallenge("plain-challenge"))
    }

    @Test("client credentials: a JWT for the partner itself, no refresh token, no grant")
    func clientCredentials() async throws {
        let f = try await OAuthFixture()
        let (partner, secret) = try await f.partner()
        #expect(try f.partners.authenticate(clientID: partner.clientId, secret: secret)?.clientId == partner.clientId)
        #expect(try f.partners.authenticate(clientID: partner.clientId, secret: secret + "x") == nil)
        let response = try f.tokens.clientCredentials(partner: partner, scope: nil)
        #expect(response.refreshToken == nil && response.scope == "achievements:read" && response.expiresIn == 600)
        let claims = try f.tokens.decode(accessToken: response.accessToken)
        #expect(claims.sub == partner.clientId && claims.grantID == nil && claims.familyID == nil)
        #expect(claims.iss == "https://incentives.example" && claims.aud == "https://incentives.example/v1")
        let identity = try f.tokens.verifyBearer(response.accessToken, requiredScope: "achievements:read")
        #expect(identity.userID == nil && identity.clientID == partner.clientId)
        #expect(throws: OAuthError.self) { try f.tokens.clientCredentials(partner: partner, scope: "admin") }
    }

    @Test("code flow: pairwise subjects differ between partners and are stable")
    func pairwise() async throws {
        let f = try await OAuthFixture()
        let (a, _) = try await f.partner("A")
        let (b, _) = try await f.partner("B")
        let subjectA = try f.tokens.decode(accessToken: try await f.userTokens(a).accessToken).sub
        let subjectB = try f.tokens.decode(accessToken: try await f.userTokens(b).accessToken).sub
        #expect(subjectA != subjectB && subjectA != "u1")
        #expect(try f.tokens.decode(accessToken: try await f.userTokens(a).accessToken).sub == subjectA)
        let identity = try f.tokens.verifyBearer(try await f.userTokens(a).accessToken, requiredScope: "achievements:read")
        #expect(identity.userID == "u1" && identity.grantID != nil && identity.familyID != nil)
    }

    @Test("codes: single use (reuse revokes what they issued), PKCE, redirect URI, client, expiry")
    func codes() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let (other, _) = try await f.partner("Other")
        let grant = try await f.tokens.grant(userID: "u1", partner: partner, scopes: ["achievements:read"])
        func code() async throws -> String {
            try await f.tokens.issueCode(grant: grant, redirectURI: f.redirect, codeChallenge: PKCE.challenge(for: f.verifier))
        }
        let first = try await code()
        let issued = try await f.tokens.exchangeCode(partner: partner, code: first, redirectURI: f.redirect, verifier: f.verifier)
        await #expect(throws: OAuthError.reuseDetected("code already used")) {
            try await f.tokens.exchangeCode(partner: partner, code: first, redirectURI: f.redirect, verifier: f.verifier)
        }
        #expect(throws: OAuthError.self) {  // what the code issued is revoked, live access token included
            try f.tokens.verifyBearer(issued.accessToken, requiredScope: "achievements:read")
        }
        await #expect(throws: OAuthError.self) {
            try await f.tokens.refresh(partner: partner, refreshToken: issued.refreshToken!, scope: nil)
        }
        let wrongVerifier = String(repeating: "a", count: 43)
        for (client, redirect, verifier) in [(partner, f.redirect, wrongVerifier), (partner, "https://evil.example/cb", f.verifier),
                                             (other, f.redirect, f.verifier), (partner, f.redirect, "plain")] {
            let fresh = try await code()
            await #expect(throws: OAuthError.self) {
                try await f.tokens.exchangeCode(partner: client, code: fresh, redirectURI: redirect, verifier: verifier)
            }
        }
        let late = try await code()
        await #expect(throws: OAuthError.invalidGrant("code expired")) {
            try await f.tokens.exchangeCode(partner: partner, code: late, redirectURI: f.redirect, verifier: f.verifier, now: Date().addingTimeInterval(61))
        }
    }

    @Test("refresh: rotation, the 5-second retry rule, family revocation on other reuse")
    func refreshRotation() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let first = try await f.userTokens(partner)
        let t0 = f.now
        let second = try await f.tokens.refresh(partner: partner, refreshToken: first.refreshToken!, scope: nil, now: t0)
        #expect(second.refreshToken != first.refreshToken)
        await #expect(throws: OAuthError.invalidGrant("the refresh token was just rotated")) {
            try await f.tokens.refresh(partner: partner, refreshToken: first.refreshToken!, scope: nil, now: t0.addingTimeInterval(3))
        }
        // A retry changes nothing: the new token still works.
        let third = try await f.tokens.refresh(partner: partner, refreshToken: second.refreshToken!, scope: nil, now: t0.addingTimeInterval(4))
        // Reuse of an older token, later: the whole family goes, live access token included.
        await #expect(throws: OAuthError.self) {
            try await f.tokens.refresh(partner: partner, refreshToken: first.refreshToken!, scope: nil, now: t0.addingTimeInterval(60))
        }
        await #expect(throws: OAuthError.self) {
            try await f.tokens.refresh(partner: partner, refreshToken: third.refreshToken!, scope: nil, now: t0.addingTimeInterval(61))
        }
        #expect(throws: OAuthError.self) {
            try f.tokens.verifyBearer(third.accessToken, requiredScope: "achievements:read", now: t0.addingTimeInterval(62))
        }
    }

    @Test("of concurrent refreshes with one token exactly one succeeds")
    func concurrentRefresh() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let token = try await f.userTokens(partner).refreshToken!
        let tokens = f.tokens
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask { (try? await tokens.refresh(partner: partner, refreshToken: token, scope: nil)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
    }

    @Test("revoking a grant, disabling a partner or revoking a jti reaches live tokens at once")
    func revocationReachesLiveTokens() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let tokens = try await f.userTokens(partner)
        let identity = try f.tokens.verifyBearer(tokens.accessToken, requiredScope: "achievements:read")
        try await f.tokens.revokeGrant(id: identity.grantID!, userID: "u1")
        #expect(throws: OAuthError.self) { try f.tokens.verifyBearer(tokens.accessToken, requiredScope: "achievements:read") }
        await #expect(throws: OAuthError.self) { try await f.tokens.refresh(partner: partner, refreshToken: tokens.refreshToken!, scope: nil) }

        let machine = try f.tokens.clientCredentials(partner: partner, scope: nil)
        try await f.tokens.revoke(partner: partner, token: machine.accessToken)
        #expect(throws: OAuthError.self) { try f.tokens.verifyBearer(machine.accessToken, requiredScope: "achievements:read") }

        let again = try f.tokens.clientCredentials(partner: partner, scope: nil)
        _ = try await f.partners.setDisabled(clientID: partner.clientId, true)
        #expect(throws: OAuthError.self) { try f.tokens.verifyBearer(again.accessToken, requiredScope: "achievements:read") }
    }

    @Test("another client can neither revoke nor introspect a token")
    func otherClients() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let (other, _) = try await f.partner("Other")
        let tokens = try await f.userTokens(partner)
        #expect(try await f.tokens.introspect(partner: partner, token: tokens.accessToken).active)
        #expect(try await f.tokens.introspect(partner: partner, token: tokens.refreshToken!).active)
        #expect(try await !f.tokens.introspect(partner: other, token: tokens.accessToken).active)
        #expect(try await !f.tokens.introspect(partner: other, token: tokens.refreshToken!).active)
        await #expect(throws: OAuthError.self) { try await f.tokens.revoke(partner: other, token: tokens.accessToken) }
        await #expect(throws: OAuthError.self) { try await f.tokens.revoke(partner: other, token: tokens.refreshToken!) }
        #expect(try await f.tokens.introspect(partner: partner, token: tokens.accessToken).active)
        try await f.tokens.revoke(partner: partner, token: tokens.refreshToken!)
        #expect(try await !f.tokens.introspect(partner: partner, token: tokens.refreshToken!).active)
        #expect(try await !f.tokens.introspect(partner: partner, token: "garbage").active)
    }

    @Test("expired, wrong issuer or audience, missing scope are refused")
    func claimChecks() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let token = try f.tokens.clientCredentials(partner: partner, scope: nil).accessToken
        #expect(throws: OAuthError.self) { try f.tokens.decode(accessToken: token, now: Date().addingTimeInterval(700)) }
        var elsewhere = f.tokens.settings
        elsewhere.issuer = "https://other.example"
        let foreign = TokenService(settings: elsewhere, database: f.database, audit: AuditChain(database: f.database, key: [3]), keys: f.keys,
                                   hmacKey: [1], pairwiseKey: [2])
        #expect(throws: OAuthError.self) { try foreign.decode(accessToken: token) }
        #expect(throws: OAuthError.insufficientScope("this needs the scope audit:read")) {
            try f.tokens.verifyBearer(token, requiredScope: "audit:read")
        }
    }

    /// A token signed with a key of the ring, with claims and header as given: what a bug in
    /// issuing, or a key briefly in the wrong hands, could produce.
    static func forged(_ f: OAuthFixture, claims: [String: Any], header: [String: Any] = [:], signedAt: Date = Date()) throws -> String {
        let signing = try f.keys.signingKey(now: signedAt)
        let base: [String: Any] = ["alg": "ES256", "typ": "at+jwt", "kid": signing.kid]
        let head = try JSONSerialization.data(withJSONObject: base.merging(header) { $1 })
        let input = Base64URL.encode(head) + "." + Base64URL.encode(try JSONSerialization.data(withJSONObject: claims))
        return input + "." + Base64URL.encode(try signing.key.signature(for: Array(input.utf8)))
    }

    /// The claims a client-credentials token of `partner` carries, issued at `iat`.
    static func claims(_ f: OAuthFixture, _ partner: PartnerRecord, iat: Int, lifetime: Int = 600) -> [String: Any] {
        ["iss": f.tokens.settings.issuer, "aud": f.tokens.settings.audience, "sub": partner.clientId, "client_id": partner.clientId,
         "scope": "achievements:read", "jti": "jti_\(UUID().uuidString)", "iat": iat, "exp": iat + lifetime]
    }

    @Test("well-signed tokens with a lifetime longer than we issue, a crit header or a future iat or nbf are refused")
    func signedButUnacceptableClaims() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let now = Int(Date().timeIntervalSince1970)
        let fine = try Self.forged(f, claims: Self.claims(f, partner, iat: now))
        #expect(try f.tokens.verifyBearer(fine, requiredScope: "achievements:read").clientID == partner.clientId)
        let refused: [String: String] = [
            "an hour's lifetime": try Self.forged(f, claims: Self.claims(f, partner, iat: now, lifetime: 3600)),
            "a year's lifetime, issued long ago": try Self.forged(f, claims: Self.claims(f, partner, iat: now - 86_400, lifetime: 365 * 86_400)),
            "crit": try Self.forged(f, claims: Self.claims(f, partner, iat: now), header: ["crit": ["exp"]]),
            "iat 2 minutes ahead": try Self.forged(f, claims: Self.claims(f, partner, iat: now + 120)),
            "nbf 2 minutes ahead": try Self.forged(f, claims: Self.claims(f, partner, iat: now).merging(["nbf": now + 120]) { $1 }),
        ]
        for (name, token) in refused.sorted(by: { $0.key < $1.key }) {
            #expect(throws: OAuthError.self, "\(name)") { try f.tokens.verifyBearer(token, requiredScope: "achievements:read") }
        }
        // Within the clock leeway: a token from a server whose clock runs a little ahead.
        let ahead = try Self.forged(f, claims: Self.claims(f, partner, iat: now + 10).merging(["nbf": now + 10]) { $1 })
        #expect(try f.tokens.verifyBearer(ahead, requiredScope: "achievements:read").clientID == partner.clientId)
    }

    @Test("a retired key verifies until every token it signed expired, then stops verifying and leaves the JWKS")
    func retiredKeyStopsVerifying() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let now = Date()
        let original = try f.keys.signingKey(now: now).kid
        // The new key took over 100 s ago: the original stopped signing then.
        let next = try SigningKeyRing.rotate(directory: f.folder.appendingPathComponent("keys"), now: now.addingTimeInterval(-SigningKeyRing.activationDelay - 100))
        let retiredAt = now.addingTimeInterval(-100)
        let lastSigned = try f.tokens.clientCredentials(partner: partner, scope: nil, now: retiredAt.addingTimeInterval(-1)).accessToken
        #expect(try f.tokens.decode(accessToken: lastSigned, now: now).clientID == partner.clientId)
        // The longest token the key signed: 600 s, accepted 30 s more (clock leeway).
        let gone = retiredAt.addingTimeInterval(f.tokens.settings.accessTokenLifetime + f.tokens.settings.clockLeeway + 1)
        #expect(f.keys.jwks(now: gone.addingTimeInterval(-2)).keys.map(\.kid).contains(original))
        #expect(f.keys.jwks(now: gone).keys.map(\.kid) == [next.kid])
        // A token of the retired key whose own claims are still good (as one signed with a stolen key) is refused too.
        let iat = Int(gone.timeIntervalSince1970) - 10
        let late = try Self.forged(f, claims: Self.claims(f, partner, iat: iat), signedAt: retiredAt.addingTimeInterval(-1))
        #expect(try f.tokens.decode(accessToken: late, now: gone.addingTimeInterval(-2)).clientID == partner.clientId)
        #expect(throws: OAuthError.self) { try f.tokens.decode(accessToken: late, now: gone) }
    }

    @Test("a token verified before is still checked: expiry on every call, refused once its key left the ring")
    func verifiedTokensAreRechecked() async throws {
        let f = try await OAuthFixture()
        let (partner, _) = try await f.partner()
        let token = try f.tokens.clientCredentials(partner: partner, scope: nil).accessToken
        #expect(try f.tokens.decode(accessToken: token).clientID == partner.clientId)  // verified and remembered
        #expect(throws: OAuthError.invalidToken("the token expired")) {
            try f.tokens.decode(accessToken: token, now: Date().addingTimeInterval(700))
        }
        // The operator drops the token's key (say, compromised) and keeps only a new one.
        let keysFolder = f.folder.appendingPathComponent("keys")
        let next = try SigningKeyRing.rotate(directory: keysFolder, now: Date().addingTimeInterval(-400))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        try encoder.encode([next]).write(to: keysFolder.appendingPathComponent("keys.json"))
        #expect(throws: OAuthError.self) { try f.tokens.decode(accessToken: token) }
        #expect(throws: OAuthError.self) { try f.tokens.verifyBearer(token, requiredScope: "achievements:read") }
    }

    @Test("key rotation: published first, signs after the cache lifetime, retired keys stay until their tokens expired")
    func keyRotation() async throws {
        let f = try await OAuthFixture()
        let now = Date()
        let original = try f.keys.signingKey(now: now).kid
        let next = try SigningKeyRing.rotate(directory: f.folder.appendingPathComponent("keys"), now: now)
        #expect(Set(f.keys.jwks(now: now).keys.map(\.kid)) == [original, next.kid])
        #expect(try f.keys.signingKey(now: now.addingTimeInterval(300)).kid == original)
        #expect(try f.keys.signingKey(now: now.addingTimeInterval(302)).kid == next.kid)
        #expect(Set(f.keys.jwks(now: now.addingTimeInterval(302 + 600)).keys.map(\.kid)) == [original, next.kid])
        #expect(f.keys.jwks(now: now.addingTimeInterval(302 + 16 * 60)).keys.map(\.kid) == [next.kid])
        let attributes = try FileManager.default.attributesOfItem(atPath: f.folder.appendingPathComponent("keys/\(next.kid).pem").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
