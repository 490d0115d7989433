public import Foundation
import GRDB
public import IncentiveStore
import JOSE
import OpenSSLCrypto

/// Issues, rotates, revokes and checks tokens. Access tokens are ES256 JWTs (RFC 9068); refresh
/// tokens are opaque, hashed, rotated on every use within a family. Every check that a
/// revocation must reach (grant, family, client, `jti`) reads the database, uncached. Every change
/// (grant, revoke, code exchange, rotation, detected reuse) appends its audit row in its own
/// transaction, so the change and the row commit together or not at all (DESIGN §6).
public struct TokenService: Sendable {
    public let settings: TokenSettings
    let database: IncentiveDatabase
    let audit: AuditChain
    let keys: SigningKeyRing
    let tokens: OpaqueToken
    let verified = VerifiedTokenCache()
    let pairwiseKey: HMACSHA256Key

    public init(settings: TokenSettings, database: IncentiveDatabase, audit: AuditChain, keys: SigningKeyRing, hmacKey: [UInt8],
                pairwiseKey: [UInt8]) {
        self.settings = settings
        self.database = database
        self.audit = audit
        self.keys = keys
        tokens = OpaqueToken(hmacKey: hmacKey)
        self.pairwiseKey = HMACSHA256Key(pairwiseKey)
    }

    // MARK: Subjects and scopes

    /// The stable pseudonym of a user for one partner; partners cannot correlate users.
    public func pairwiseSubject(userID: String, clientID: String) -> String {
        pairwiseIdentifiers(for: clientID).subject(of: userID)
    }

    /// The ids a partner sees, for a run of them (a feed page).
    public func pairwiseIdentifiers(for clientID: String) -> PairwiseIdentifiers {
        PairwiseIdentifiers(key: pairwiseKey, clientID: clientID)
    }

    /// The requested scopes, which must be allowed for the partner; all of its scopes when none are asked.
    public static func scopes(requested: String?, allowed: Set<String>) throws(OAuthError) -> Set<String> {
        guard let requested, !requested.isEmpty else { return allowed }
        let asked = Set(requested.split(separator: " ").map(String.init))
        guard asked.isSubset(of: allowed) else { throw .invalidScope("scope must be among: \(allowed.sorted().joined(separator: " "))") }
        return asked
    }

    // MARK: Client credentials

    public func clientCredentials(partner: PartnerRecord, scope: String?, now: Date = Date()) throws -> TokenResponse {
        let granted = try Self.scopes(requested: scope, allowed: partner.scopeSet)
        return try accessToken(jti: OpaqueToken.identifier("jti_"), clientID: partner.clientId, subject: partner.clientId, scopes: granted,
                               grantID: nil, familyID: nil, refreshToken: nil, now: now)
    }

    // MARK: Grants and codes

    /// The user's active grant to the partner if it covers `scopes`, else a new grant.
    /// Audited as `consent.granted` either way, in the same transaction.
    public func grant(userID: String, partner: PartnerRecord, scopes: Set<String>, now: Date = Date(),
                      source: AuditSource = .none) async throws -> GrantRecord {
        try await database.writer.write { db in
            let existing = try Self.activeGrant(userID: userID, clientID: partner.clientId, in: db)
            let scope = scopes.sorted().joined(separator: " ")
            if let existing, scopes.isSubset(of: Set(existing.scopes.split(separator: " ").map(String.init))) {
                try appendAudit("consent.granted", client: partner.clientId, user: userID, grant: existing.id, source, now, in: db,
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
            try appendAudit("consent.granted", client: partner.clientId, user: userID, grant: grant.id, source, now, in: db,
                            detail: ["scope": scope])
            return grant
        }
    }

    public func activeGrant(userID: String, clientID: String) async throws -> GrantRecord? {
        try await database.writer.read { db in try Self.activeGrant(userID: userID, clientID: clientID, in: db) }
    }

    /// Revokes a grant with immediate effect: its tokens fail their next call, its refresh families die.
    /// With `userID`, only that user's grant (a user revoking their own). Audited as `consent.revoked`
    /// with `detail` (who revoked), and `adminChange` if an admin did, in the same transaction.
    public func revokeGrant(id: String, userID: String? = nil, now: Date = Date(), source: AuditSource = .none,
                            detail: [String: String] = [:], adminChange: AuditedChange? = nil) async throws {
        try await database.writer.write { db in
            guard var grant = try GrantRecord.fetchOne(db, key: id), userID == nil || grant.userId == userID else {
                throw StoreError.notFound("grant \(id)")
            }
            guard grant.revokedAt == nil else { return }
            grant.revokedAt = now
            try grant.update(db)
            try db.execute(sql: "UPDATE refreshFamily SET revokedAt = ?, revokedReason = 'grant revoked' WHERE grantId = ? AND revokedAt IS NULL",
                           arguments: [now, id])
            try appendAudit("consent.revoked", client: grant.clientId, user: grant.userId, grant: id, source, now, in: db, detail: detail)
            try adminChange?.append(at: now, in: db)
        }
    }

    /// Appends an audit row inside the transaction of the change it records.
    private func appendAudit(_ type: String, outcome: String = "ok", client: String?, user: String? = nil, grant: String?,
                             jti: String? = nil, _ source: AuditSource, _ now: Date, in db: Database, detail: [String: String] = [:]) throws {
        try audit.append(AuditFact(type: type, outcome: outcome, clientID: client, userID: user, grantID: grant, jti: jti,
                                   address: source.address, requestID: source.requestID, detail: AuditFact.detail(detail)),
                         at: now, in: db)
    }

    /// Grants of a user (with `userID`) or to a partner (with `clientID`), newest first.
    public func grants(userID: String? = nil, clientID: String? = nil) async throws -> [GrantRecord] {
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
    public func issueCode(grant: GrantRecord, scopes: Set<String>? = nil, redirectURI: String, codeChallenge: String, now: Date = Date()) async throws -> String {
        let code = tokens.make(prefix: "")
        let record = AuthorizationCodeRecord(
            hash: tokens.hash(code), clientId: grant.clientId, grantId: grant.id, redirectUri: redirectURI,
            codeChallenge: codeChallenge, scopes: scopes.map { $0.sorted().joined(separator: " ") } ?? grant.scopes, expiresAt: now.addingTimeInterval(settings.codeLifetime),
            usedAt: nil, familyId: nil)
        try await database.writer.write { db in try record.insert(db) }
        return code
    }

    // MARK: Code exchange

    /// Audited as `token.issued` (or `reuse.detected` for a code used twice) in the same transaction.
    public func exchangeCode(partner: PartnerRecord, code: String, redirectURI: String?, verifier: String?, now: Date = Date(),
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
                try appendAudit("reuse.detected", outcome: "denied", client: partner.clientId, grant: record.grantId, source, now, in: db,
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
            try appendAudit("token.issued", client: partner.clientId, grant: grant.id, jti: jti, source, now, in: db,
                            detail: ["grant_type": "authorization_code", "family_id": family.id])
            return .success((grant, family, refreshToken))
        }
        let (grant, family, refreshToken) = try outcome.get()
        return try accessToken(jti: jti, clientID: partner.clientId, subject: pairwiseSubject(userID: grant.userId, clientID: partner.clientId),
                               scopes: Set(family.scopes.split(separator: " ").map(String.init)), grantID: grant.id,
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

    // MARK: Refresh

    /// Rotates `refreshToken` atomically: of concurrent refreshes with one token exactly one wins.
    /// Audited as `token.refreshed` (or `reuse.detected`) in the same transaction, so a refresh whose
    /// row cannot be written rotates nothing and its retry is no reuse.
    public func refresh(partner: PartnerRecord, refreshToken: String, scope: String?, now: Date = Date(),
                        source: AuditSource = .none) async throws -> TokenResponse {
        let settings = settings
        let jti = OpaqueToken.identifier("jti_")
        let outcome: Result<(GrantRecord, RefreshFamilyRecord, String), OAuthError> = try await database.writer.write { db in
            guard var token = try RefreshTokenRecord.fetchOne(db, key: tokens.hash(refreshToken)),
                  var family = try RefreshFamilyRecord.fetchOne(db, key: token.familyId), family.clientId == partner.clientId
            else { return .failure(.invalidGrant("unknown refresh token")) }
            guard family.revokedAt == nil else { return .failure(.invalidGrant("the refresh token was revoked")) }
            if let rotatedAt = token.rotatedAt {
                if now.timeIntervalSince(rotatedAt) <= settings.refreshRetryWindow {
                    return .failure(.invalidGrant("the refresh token was just rotated"))
                }
                try Self.revokeFamily(family.id, reason: "refresh token reuse", now: now, in: db)
                try appendAudit("reuse.detected", outcome: "denied", client: partner.clientId, grant: family.grantId, source, now, in: db,
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
            do throws(OAuthError) {
                _ = try Self.scopes(requested: scope, allowed: Set(family.scopes.split(separator: " ").map(String.init)))
            } catch {
                return .failure(error)
            }
            token.rotatedAt = now
            try token.update(db)
            family.lastUsedAt = now
            try family.update(db)
            try appendAudit("token.refreshed", client: partner.clientId, grant: grant.id, jti: jti, source, now, in: db,
                            detail: ["grant_type": "refresh_token", "family_id": family.id])
            return .success((grant, family, try newRefreshToken(familyID: family.id, now: now, in: db)))
        }
        let (grant, family, newToken) = try outcome.get()
        let granted = try Self.scopes(requested: scope, allowed: Set(family.scopes.split(separator: " ").map(String.init)))
        return try accessToken(jti: jti, clientID: partner.clientId, subject: pairwiseSubject(userID: grant.userId, clientID: partner.clientId),
                               scopes: granted, grantID: grant.id, familyID: family.id, refreshToken: newToken, now: now)
    }

    static func revokeFamily(_ id: String, reason: String, now: Date, in db: Database) throws {
        try db.execute(sql: "UPDATE refreshFamily SET revokedAt = ?, revokedReason = ? WHERE id = ? AND revokedAt IS NULL",
                       arguments: [now, reason, id])
    }

    // MARK: Access tokens

    private func accessToken(
        jti: String, clientID: String, subject: String, scopes: Set<String>, grantID: String?, familyID: String?,
        refreshToken: String?, now: Date
    ) throws -> TokenResponse {
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims = AccessTokenClaims(
            iss: settings.issuer, aud: settings.audience, sub: subject, clientID: clientID,
            scope: scopes.sorted().joined(separator: " "), jti: jti, iat: issuedAt,
            exp: issuedAt + Int(settings.accessTokenLifetime), grantID: grantID, familyID: familyID)
        let signing = try keys.signingKey(now: now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let jwt = try CompactJWS.sign(payload: try encoder.encode(claims), key: signing.key, kid: signing.kid, typ: "at+jwt")
        return TokenResponse(accessToken: jwt, tokenType: "Bearer", expiresIn: Int(settings.accessTokenLifetime),
                             refreshToken: refreshToken, scope: claims.scope, claims: claims)
    }

    /// The claims of a well-signed, unexpired token of this issuer and audience (no database checks).
    public func decode(accessToken: String, now: Date = Date()) throws(OAuthError) -> AccessTokenClaims {
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
    public func verifyBearer(_ token: String, requiredScope: String, now: Date = Date()) throws -> BearerIdentity {
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

    // MARK: Revocation and introspection

    private func isUnrevoked(_ claims: AccessTokenClaims) -> Bool {
        do {
            _ = try database.readNow { db in try Self.revocationCheck(claims, in: db) }
            return true
        } catch {
            return false
        }
    }

    /// RFC 7009. A token of another client is refused and stays valid; an unknown token is fine.
    /// Audited as `token.revoked` in the same transaction.
    public func revoke(partner: PartnerRecord, token: String, hint: String? = nil, now: Date = Date(),
                       source: AuditSource = .none) async throws {
        let detail = ["token_type_hint": hint ?? ""]
        if let claims = try? decode(accessToken: token, now: now) {
            guard claims.clientID == partner.clientId else { throw OAuthError.unauthorizedClient("the token was issued to another client") }
            try await database.writer.write { db in
                try RevokedAccessTokenRecord(jti: claims.jti, expiresAt: Date(timeIntervalSince1970: Double(claims.exp))).save(db)
                try appendAudit("token.revoked", client: partner.clientId, grant: claims.grantID, jti: claims.jti, source, now, in: db,
                                detail: detail)
            }
            return
        }
        let hash = tokens.hash(token)
        try await database.writer.write { db in
            let family = try RefreshTokenRecord.fetchOne(db, key: hash).flatMap { try RefreshFamilyRecord.fetchOne(db, key: $0.familyId) }
            if let family {
                guard family.clientId == partner.clientId else { throw OAuthError.unauthorizedClient("the token was issued to another client") }
                try Self.revokeFamily(family.id, reason: "revoked by the client", now: now, in: db)
            }
            try appendAudit("token.revoked", client: partner.clientId, grant: family?.grantId, source, now, in: db, detail: detail)
        }
    }

    /// RFC 7662: a client sees only its own live tokens as active.
    public func introspect(partner: PartnerRecord, token: String, now: Date = Date()) async throws -> Introspection {
        let settings = settings
        if let claims = try? decode(accessToken: token, now: now), claims.clientID == partner.clientId,
           isUnrevoked(claims) {
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

/// An RFC 7662 introspection answer.
public struct Introspection: Codable, Sendable, Equatable {
    public let active: Bool
    public var scope: String?
    public var clientID: String?
    public var sub: String?
    public var exp: Int?
    public var iat: Int?
    public var tokenType: String?
    public var iss: String?
    public var aud: String?
    public var jti: String?

    enum CodingKeys: String, CodingKey {
        case active, scope, sub, exp, iat, iss, aud, jti
        case clientID = "client_id"
        case tokenType = "token_type"
    }

    static let inactive = Introspection(active: false)

    init(active: Bool, scope: String? = nil, clientID: String? = nil, sub: String? = nil, exp: Int? = nil, iat: Int? = nil,
         tokenType: String? = nil, iss: String? = nil, aud: String? = nil, jti: String? = nil) {
        self.active = active
        self.scope = scope
        self.clientID = clientID
        self.sub = sub
        self.exp = exp
        self.iat = iat
        self.tokenType = tokenType
        self.iss = iss
        self.aud = aud
        self.jti = jti
    }
}
