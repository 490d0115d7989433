import Foundation
import IncentiveAPIGenerated
import IncentiveStore
import OpenAPIRuntime
import PartnerAuth

/// The partner-facing and consent-related `/v1` operations: partner administration, grants
/// (admin and the signed-in user's own) and sign-in links. The feed is `PartnerFeedController`.
/// Each change writes its audit row in its own transaction.
struct PartnerAPIHandler: Sendable {
    let partners: PartnerRegistry
    let tokens: TokenService
    let sessions: SessionStore
    let origin: PublicOrigin
    let chain: AuditChain

    // MARK: Partners (admin)

    func createPartner(_ input: Operations.CreatePartner.Input) async throws -> Operations.CreatePartner.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("expected JSON") }
        try Validate.length(body.name, "name", 1...200)
        let (partner, secret) = try await partners.create(name: body.name, redirectURIs: body.redirectUris,
                                                          scopes: body.scopes.map(\.rawValue), programIDs: body.programIds,
                                                          audit: RequestIdentity.adminChange)
        let shown = Self.partner(partner)
        return .created(.init(body: .json(.init(clientId: shown.clientId, clientSecret: secret, name: shown.name,
                                                redirectUris: shown.redirectUris, scopes: shown.scopes, programIds: shown.programIds,
                                                disabled: shown.disabled, createdAt: shown.createdAt))))
    }

    func listPartners(_ input: Operations.ListPartners.Input) async throws -> Operations.ListPartners.Output {
        return .ok(.init(body: .json(.init(data: try await partners.list().map(Self.partner), nextCursor: nil))))
    }

    func updatePartner(_ input: Operations.UpdatePartner.Input) async throws -> Operations.UpdatePartner.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("expected JSON") }
        return .ok(.init(body: .json(Self.partner(try await partners.setDisabled(clientID: input.path.clientId, body.disabled,
                                                                                    audit: RequestIdentity.adminChange)))))
    }

    func rotatePartnerSecret(_ input: Operations.RotatePartnerSecret.Input) async throws -> Operations.RotatePartnerSecret.Output {
        let secret = try await partners.rotateSecret(clientID: input.path.clientId, audit: RequestIdentity.adminChange)
        return .ok(.init(body: .json(.init(clientId: input.path.clientId, clientSecret: secret))))
    }

    static func partner(_ record: PartnerRecord) -> Components.Schemas.Partner {
        .init(clientId: record.clientId, name: record.name, redirectUris: record.redirectURIList,
              scopes: record.scopeSet.sorted().compactMap(Components.Schemas.PartnerScope.init(rawValue:)),
              programIds: record.programIDList, disabled: record.disabled, createdAt: record.createdAt)
    }

    // MARK: Grants

    func listPartnerGrants(_ input: Operations.ListPartnerGrants.Input) async throws -> Operations.ListPartnerGrants.Output {
        guard let partner = try partners.find(input.path.clientId) else { throw APIProblem.notFound("No partner \(input.path.clientId)") }
        let grants = try await tokens.grants(clientID: partner.clientId)
        return .ok(.init(body: .json(.init(data: grants.map { grant(record: $0, partnerName: partner.name) }, nextCursor: nil))))
    }

    func revokeGrant(_ input: Operations.RevokeGrant.Input) async throws -> Operations.RevokeGrant.Output {
        try await tokens.revokeGrant(id: input.path.grantId, source: RequestIdentity.auditSource,
                                     detail: ["by": "admin", "api_key": RequestIdentity.apiKey?.id ?? ""], adminChange: RequestIdentity.adminChange)
        ServiceMetrics.grantRevoked(by: "admin")
        return .noContent(.init())
    }

    func listMyGrants(_ input: Operations.ListMyGrants.Input) async throws -> Operations.ListMyGrants.Output {
        let user = try RequestIdentity.requireUser()
        var data: [Components.Schemas.Grant] = []
        for record in try await tokens.grants(userID: user.userID) {
            data.append(grant(record: record, partnerName: try partners.find(record.clientId)?.name ?? record.clientId))
        }
        return .ok(.init(body: .json(.init(data: data, nextCursor: nil))))
    }

    func revokeMyGrant(_ input: Operations.RevokeMyGrant.Input) async throws -> Operations.RevokeMyGrant.Output {
        let user = try RequestIdentity.requireUser()
        try await tokens.revokeGrant(id: input.path.grantId, userID: user.userID, source: RequestIdentity.auditSource, detail: ["by": "user"])
        ServiceMetrics.grantRevoked(by: "user")
        return .noContent(.init())
    }

    private func grant(record: GrantRecord, partnerName: String) -> Components.Schemas.Grant {
        .init(id: record.id, userId: record.userId, clientId: record.clientId, partnerName: partnerName,
              scopes: ScopeSet(parsing: record.scopes).sorted(), createdAt: record.createdAt,
              revokedAt: record.revokedAt, active: record.revokedAt == nil)
    }

    // MARK: Sign-in links

    func createSignInLink(_ input: Operations.CreateSignInLink.Input) async throws -> Operations.CreateSignInLink.Output {
        let source = RequestIdentity.auditSource
        let minted = AuditedChange(chain: chain, fact: AuditFact(
            .signInLinkCreated, .ok, userID: input.path.userId, address: source.address, requestID: source.requestID,
            detail: AuditFact.detail(["api_key": RequestIdentity.apiKey?.id ?? ""])))
        let (token, expiresAt) = try await sessions.createSignInLink(userID: input.path.userId, audit: minted)
        return .created(.init(body: .json(.init(url: "\(origin.url)/login/link?token=\(token)", expiresAt: expiresAt))))
    }
}
