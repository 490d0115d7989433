public import Foundation
public import IncentiveStore
import OpenSSLCrypto

/// The OAuth token facade the HTTP layer talks to. Access tokens are ES256 JWTs (RFC 9068),
/// refresh tokens opaque, hashed and rotated on every use within a family. Each job is a type of
/// its own, in `Tokens/`:
/// - `GrantLedger`: consents (grants) and authorization codes;
/// - `RefreshFamilies`: code exchange, refresh rotation, reuse detection;
/// - `AccessTokenIssuer` and `AccessTokenVerifier`: signing, and checking signature, claims and,
///   uncached, every revocation that must reach a live token;
/// - `TokenRevocation` (RFC 7009) and `TokenIntrospection` (RFC 7662).
/// Every change appends its audit row in its own transaction, so the change and the row commit
/// together or not at all (DESIGN §6).
public struct TokenService: Sendable {
    public let settings: TokenSettings
    let pairwiseKey: HMACSHA256Key
    let grantLedger: GrantLedger
    let families: RefreshFamilies
    let issuer: AccessTokenIssuer
    let verifier: AccessTokenVerifier
    let revocation: TokenRevocation
    let introspection: TokenIntrospection

    public init(settings: TokenSettings, database: IncentiveDatabase, audit: AuditChain, keys: SigningKeyRing, hmacKey: [UInt8],
                pairwiseKey: [UInt8]) {
        let tokens = OpaqueToken(hmacKey: hmacKey)
        let pairwise = HMACSHA256Key(pairwiseKey)
        self.settings = settings
        self.pairwiseKey = pairwise
        issuer = AccessTokenIssuer(settings: settings, keys: keys)
        verifier = AccessTokenVerifier(settings: settings, keys: keys, database: database)
        grantLedger = GrantLedger(settings: settings, database: database, audit: audit, tokens: tokens)
        families = RefreshFamilies(settings: settings, database: database, audit: audit, tokens: tokens, issuer: issuer,
                                   subjects: { PairwiseIdentifiers(key: pairwise, clientID: $0) })
        revocation = TokenRevocation(database: database, audit: audit, tokens: tokens, verifier: verifier)
        introspection = TokenIntrospection(settings: settings, database: database, tokens: tokens, verifier: verifier)
    }

    // MARK: Subjects

    /// The stable pseudonym of a user for one partner; partners cannot correlate users.
    public func pairwiseSubject(userID: String, clientID: String) -> String {
        pairwiseIdentifiers(for: clientID).subject(of: userID)
    }

    /// The ids a partner sees, for a run of them (a feed page).
    public func pairwiseIdentifiers(for clientID: String) -> PairwiseIdentifiers {
        PairwiseIdentifiers(key: pairwiseKey, clientID: clientID)
    }

    // MARK: Grants and codes

    /// The user's active grant to the partner if it covers `scopes`, else a new grant; audited as `consent.granted`.
    public func grant(userID: String, partner: PartnerRecord, scopes: ScopeSet, now: Date = Date(),
                      source: AuditSource = .none) async throws -> GrantRecord {
        try await grantLedger.grant(userID: userID, partner: partner, scopes: scopes, now: now, source: source)
    }

    public func activeGrant(userID: String, clientID: String) async throws -> GrantRecord? {
        try await grantLedger.activeGrant(userID: userID, clientID: clientID)
    }

    /// Revokes a grant with immediate effect (see `GrantLedger.revokeGrant`).
    public func revokeGrant(id: String, userID: String? = nil, now: Date = Date(), source: AuditSource = .none,
                            detail: [String: String] = [:], adminChange: AuditedChange? = nil) async throws {
        try await grantLedger.revokeGrant(id: id, userID: userID, now: now, source: source, detail: detail, adminChange: adminChange)
    }

    /// Grants of a user (with `userID`) or to a partner (with `clientID`), newest first.
    public func grants(userID: String? = nil, clientID: String? = nil) async throws -> [GrantRecord] {
        try await grantLedger.grants(userID: userID, clientID: clientID)
    }

    /// A single-use code bound to the client, redirect URI and PKCE challenge.
    public func issueCode(grant: GrantRecord, scopes: ScopeSet? = nil, redirectURI: String, codeChallenge: String,
                          now: Date = Date()) async throws -> String {
        try await grantLedger.issueCode(grant: grant, scopes: scopes, redirectURI: redirectURI, codeChallenge: codeChallenge, now: now)
    }

    // MARK: Tokens

    public func clientCredentials(partner: PartnerRecord, scope: String?, now: Date = Date()) throws -> TokenResponse {
        let granted = try ScopeSet.requested(scope, allowed: partner.scopeSet)
        return try issuer.issue(jti: OpaqueToken.identifier("jti_"), clientID: partner.clientId, subject: partner.clientId,
                                scopes: granted, grantID: nil, familyID: nil, refreshToken: nil, now: now)
    }

    public func exchangeCode(partner: PartnerRecord, code: String, redirectURI: String?, verifier codeVerifier: String?,
                             now: Date = Date(), source: AuditSource = .none) async throws -> TokenResponse {
        try await families.exchangeCode(partner: partner, code: code, redirectURI: redirectURI, verifier: codeVerifier, now: now,
                                        source: source)
    }

    public func refresh(partner: PartnerRecord, refreshToken: String, scope: String?, now: Date = Date(),
                        source: AuditSource = .none) async throws -> TokenResponse {
        try await families.refresh(partner: partner, refreshToken: refreshToken, scope: scope, now: now, source: source)
    }

    /// The claims of a well-signed, unexpired token of this issuer and audience (no database checks).
    public func decode(accessToken: String, now: Date = Date()) throws(OAuthError) -> AccessTokenClaims {
        try verifier.decode(accessToken: accessToken, now: now)
    }

    /// A bearer token checked for a resource call, revocations included.
    public func verifyBearer(_ token: String, requiredScope: String, now: Date = Date()) throws -> BearerIdentity {
        try verifier.verifyBearer(token, requiredScope: requiredScope, now: now)
    }

    public func revoke(partner: PartnerRecord, token: String, hint: String? = nil, now: Date = Date(),
                       source: AuditSource = .none) async throws {
        try await revocation.revoke(partner: partner, token: token, hint: hint, now: now, source: source)
    }

    public func introspect(partner: PartnerRecord, token: String, now: Date = Date()) async throws -> Introspection {
        try await introspection.introspect(partner: partner, token: token, now: now)
    }
}
