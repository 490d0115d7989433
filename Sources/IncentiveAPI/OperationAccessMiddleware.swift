import HTTPTypes
import IncentiveAPIGenerated
import IncentiveStore
import OpenAPIRuntime

/// Who may call each generated `/v1` operation, checked before the generated code reads or decodes
/// the body: a caller without the right gets 403 (or 401) whatever it sent. Checked in a handler,
/// the scope came after decoding, so a bad body answered 400 and told a caller without the scope
/// what the operation accepts. `CredentialMiddleware` has already authenticated the caller.
struct OperationAccessMiddleware: ServerMiddleware {
    enum Requirement: Sendable {
        /// An API key holding at least one of these scopes.
        case apiKey(anyOf: Set<APIScope>)
        /// The signed-in user's session cookie (`/v1/me/...`).
        case session
    }

    /// Every generated operation; one missing here is refused (fail closed).
    static let requirements: [String: Requirement] = [
        Operations.CreateEvent.id: .apiKey(anyOf: [.eventsWrite]),
        Operations.ListUserAchievements.id: .apiKey(anyOf: [.eventsWrite, .admin]),
        Operations.GetUserProgress.id: .apiKey(anyOf: [.eventsWrite, .admin]),
        Operations.CreateSignInLink.id: .apiKey(anyOf: [.eventsWrite, .admin]),
        Operations.ListIncentives.id: .apiKey(anyOf: [.admin]),
        Operations.CreateEmployer.id: .apiKey(anyOf: [.admin]),
        Operations.ListEmployers.id: .apiKey(anyOf: [.admin]),
        Operations.CreateProgram.id: .apiKey(anyOf: [.admin]),
        Operations.ListPrograms.id: .apiKey(anyOf: [.admin]),
        Operations.UpdateProgram.id: .apiKey(anyOf: [.admin]),
        Operations.CreateUser.id: .apiKey(anyOf: [.admin]),
        Operations.ListUsers.id: .apiKey(anyOf: [.admin]),
        Operations.GetUser.id: .apiKey(anyOf: [.admin]),
        Operations.UpdateUser.id: .apiKey(anyOf: [.admin]),
        Operations.CreatePartner.id: .apiKey(anyOf: [.admin]),
        Operations.ListPartners.id: .apiKey(anyOf: [.admin]),
        Operations.UpdatePartner.id: .apiKey(anyOf: [.admin]),
        Operations.RotatePartnerSecret.id: .apiKey(anyOf: [.admin]),
        Operations.ListPartnerGrants.id: .apiKey(anyOf: [.admin]),
        Operations.RevokeGrant.id: .apiKey(anyOf: [.admin]),
        Operations.ListAuditEvents.id: .apiKey(anyOf: [.auditRead]),
        Operations.ListMyGrants.id: .session,
        Operations.RevokeMyGrant.id: .session,
    ]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let requirement = Self.requirements[operationID] else {
            throw APIProblem.forbidden("No access rule covers the operation \(operationID).")
        }
        switch requirement {
        case .apiKey(let scopes): try RequestIdentity.require(anyOf: scopes)
        case .session: _ = try RequestIdentity.requireUser()
        }
        return try await next(request, body, metadata)
    }
}
