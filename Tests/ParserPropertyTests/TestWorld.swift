import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import IncentiveAPI
import IncentiveStore
import PartnerAuth
import Testing

/// What every property starts from: an employer with a repeatable program, a user with a
/// password and three achievements, a partner managing that program, and real credentials:
/// API keys, a client-credentials token, a user-bound token and refresh token, a browser session.
struct TestWorld: Sendable {
    static let employerID = "emp-prop"
    static let userID = "user-prop"
    static let username = "prop-user"
    static let password = "correct horse battery staple"
    static let redirectURI = "https://partner.example/callback"
    static let eventType = "ping"

    let adminKey: String
    let eventsKey: String
    let programID: String
    let partner: PartnerRecord
    let clientSecret: String
    let clientAccessToken: String
    let userAccessToken: String
    let refreshToken: String
    let sessionToken: String
    let sessionCSRF: String
    let services: AppServices

    static func seed(services: AppServices, client: any TestClientProtocol) async throws -> TestWorld {
        let adminKey = try await services.apiKeys.create(name: "property admin", scopes: [.admin, .eventsWrite, .auditRead]).plaintext
        let eventsKey = try await services.apiKeys.create(name: "property app", scopes: [.eventsWrite]).plaintext
        let admin = AdminClient(client: client, key: adminKey)
        try await admin.post("/v1/employers", ["id": Self.employerID, "name": "Property Employer"])
        let program = try await admin.post("/v1/employers/\(Self.employerID)/programs", [
            "name": "Every ping", "incentive": "event-reported", "parameters": ["type": Self.eventType],
            "reward": ["name": "A sticker"], "repeatable": true,
        ])
        let programID = try #require(program["id"] as? String)
        try await admin.post("/v1/users", ["id": Self.userID, "employer_id": Self.employerID, "timezone": "Europe/Berlin",
                                           "username": Self.username, "password": Self.password])
        for number in 1...3 {
            try await admin.post("/v1/events", ["event_id": "seed-\(number)", "user_id": Self.userID, "type": Self.eventType,
                                                "occurred_at": Date().addingTimeInterval(Double(-number)).formatted(.iso8601)])
        }
        let created = try await admin.post("/v1/partners", ["name": "Property Partner", "redirect_uris": [Self.redirectURI],
                                                             "scopes": ["achievements:read"], "program_ids": [programID]])
        let clientID = try #require(created["client_id"] as? String)
        let partner = try #require(try services.partners.find(clientID))
        let userTokens = try await userBoundTokens(services: services, partner: partner)
        let (sessionToken, session) = try await services.sessions.create(userID: Self.userID)
        return TestWorld(
            adminKey: adminKey, eventsKey: eventsKey, programID: programID, partner: partner,
            clientSecret: try #require(created["client_secret"] as? String),
            clientAccessToken: try services.tokens.clientCredentials(partner: partner, scope: nil).accessToken,
            userAccessToken: userTokens.accessToken, refreshToken: try #require(userTokens.refreshToken),
            sessionToken: sessionToken, sessionCSRF: session.csrfToken, services: services)
    }

    /// Consent, code and exchange, as the authorization code flow does them.
    private static func userBoundTokens(services: AppServices, partner: PartnerRecord) async throws -> TokenResponse {
        let verifier = String(repeating: "v", count: 43)
        let grant = try await services.tokens.grant(userID: Self.userID, partner: partner, scopes: ["achievements:read"])
        let code = try await services.tokens.issueCode(grant: grant, redirectURI: Self.redirectURI,
                                                       codeChallenge: PKCE.challenge(for: verifier))
        return try await services.tokens.exchangeCode(partner: partner, code: code, redirectURI: Self.redirectURI, verifier: verifier)
    }

    var sessionCookie: String { "\(Cookies.session)=\(sessionToken)" }
}

/// Seeds the world through the API itself, failing loudly if any step is refused.
private struct AdminClient {
    let client: any TestClientProtocol
    let key: String

    @discardableResult
    func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        let response = try await client.executeRequest(
            uri: path, method: .post, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
            body: .init(bytes: Array(data)))
        guard (200..<300).contains(response.status.code) else {
            throw SeedError("POST \(path) answered \(response.status.code): \(response.bodyText)")
        }
        return response.jsonObject ?? [:]
    }
}

struct SeedError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
