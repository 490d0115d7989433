import Foundation
import IncentiveEngine
import IncentiveStore
import OpenSSLCrypto
import PartnerAuth

/// A real SQLite file, a key ring in a temporary folder, an employer with a program, a user and two partners.
struct OAuthFixture {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oauth-\(UUID().uuidString)")
    let database: IncentiveDatabase
    let tokens: TokenService
    let partners: PartnerRegistry
    let keys: SigningKeyRing
    let now = Date()
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  // RFC 7636 appendix B
    let redirect = "https://partner.example/callback"

    init() async throws {
        database = try IncentiveDatabase(directory: folder)
        keys = try SigningKeyRing(directory: folder.appendingPathComponent("keys"),
                               retention: TokenSettings(issuer: "https://incentives.example").longestAcceptedLifetime)
        let hmac = SecureRandom.bytes(32)
        tokens = TokenService(settings: TokenSettings(issuer: "https://incentives.example"), database: database,
                              audit: AuditChain(database: database, key: SecureRandom.bytes(32)), keys: keys,
                              hmacKey: hmac, pairwiseKey: SecureRandom.bytes(32))
        partners = PartnerRegistry(database: database, hmacKey: hmac)
        _ = try await EmployerRepository(database: database).create(id: "e1", name: "E")
        _ = try await UserRepository(database: database).create(.init(id: "u1", employerID: "e1", timezone: "UTC", username: nil, passwordHash: nil))
        _ = try await UserRepository(database: database).create(.init(id: "u2", employerID: "e1", timezone: "UTC", username: nil, passwordHash: nil))
    }

    func partner(_ name: String = "Partner") async throws -> (PartnerRecord, String) {
        try await partners.create(name: name, redirectURIs: [redirect], scopes: ["achievements:read"], programIDs: [])
    }

    /// Consent, code and exchange: a user-bound token pair.
    func userTokens(_ partner: PartnerRecord, user: String = "u1") async throws -> TokenResponse {
        let grant = try await tokens.grant(userID: user, partner: partner, scopes: ["achievements:read"], now: now)
        let code = try await tokens.issueCode(grant: grant, redirectURI: redirect, codeChallenge: PKCE.challenge(for: verifier), now: now)
        return try await tokens.exchangeCode(partner: partner, code: code, redirectURI: redirect, verifier: verifier, now: now)
    }
}
