import HTTPTypes
import IncentiveAPIGenerated
import IncentiveStore
import OpenAPIRuntime

/// Who may call each generated `/v1` operation, and with which credential, from one table keyed by
/// operation: the credential is authenticated and the scope checked before anything reads the
/// body (then `RequestBodyLimit`), so a caller without the right gets 401 or 403 whatever it sent.
/// (Checked in a handler, the scope came after decoding, so a bad body answered 400 and told a
/// caller without the scope what the operation accepts.)
struct OperationAccessMiddleware: ServerMiddleware {
    enum Requirement: Sendable {
        /// An API key holding at least one of these scopes.
        case apiKey(anyOf: Set<APIScope>)
        /// An admin key changing something: audited as `admin.change` in the change's transaction.
        case adminChange
        /// The signed-in user's session cookie (`/v1/me/...`).
        case session
    }

    let apiKeys: APIKeyAuthenticator
    let sessions: SessionAuthenticator
    let changes: AdminChangeAudit

    /// Every generated operation; one missing here is refused (fail closed).
    static let requirements: [String: Requirement] = [
        Operations.CreateEvent.id: .apiKey(anyOf: [.eventsWrite]),
        Operations.ListUserAchievements.id: .apiKey(anyOf: [.eventsWrite, .admin]),
        Operations.GetUserProgress.id: .apiKey(anyOf: [.eventsWrite, .admin]),
        Operations.CreateSignInLink.id: .apiKey(anyOf: [.eventsWrite, .admin]),
        Operations.ListIncentives.id: .apiKey(anyOf: [.admin]),
        Operations.CreateEmployer.id: .adminChange,
        Operations.ListEmployers.id: .apiKey(anyOf: [.admin]),
        Operations.CreateProgram.id: .adminChange,
        Operations.ListPrograms.id: .apiKey(anyOf: [.admin]),
        Operations.UpdateProgram.id: .adminChange,
        Operations.CreateUser.id: .adminChange,
        Operations.ListUsers.id: .apiKey(anyOf: [.admin]),
        Operations.GetUser.id: .apiKey(anyOf: [.admin]),
        Operations.UpdateUser.id: .adminChange,
        Operations.CreatePartner.id: .adminChange,
        Operations.ListPartners.id: .apiKey(anyOf: [.admin]),
        Operations.UpdatePartner.id: .adminChange,
        Operations.RotatePartnerSecret.id: .adminChange,
        Operations.ListPartnerGrants.id: .apiKey(anyOf: [.admin]),
        Operations.RevokeGrant.id: .adminChange,
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
        let path = RoutePath.normalized(request.path)
        switch requirement {
        case .apiKey(let scopes):
            let key = try await apiKeys.authenticate(request.headerFields, path: path)
            return try await RequestIdentity.$apiKey.withValue(key) {
                try await refused(path) { try RequestIdentity.require(anyOf: scopes) }
                return try await next(request, try await RequestBodyLimit.admit(request, body), metadata)
            }
        case .adminChange:
            let key = try await apiKeys.authenticate(request.headerFields, path: path)
            return try await RequestIdentity.$apiKey.withValue(key) {
                try await refused(path) { try RequestIdentity.require(anyOf: .admin) }
                return try await changes.run(key: key, method: request.method, path: path) {
                    try await next(request, try await RequestBodyLimit.admit(request, body), metadata)
                }
            }
        case .session:
            let user = try await refused(path) { try await sessions.user(request) }
            return try await RequestIdentity.$user.withValue(user) {
                try await next(request, try await RequestBodyLimit.admit(request, body), metadata)
            }
        }
    }

    /// Runs a credential check; a refusal (no session, wrong Origin, missing scope) is audited like every refused credential.
    private func refused<T>(_ path: String, _ check: () async throws -> T) async throws -> T {
        do {
            return try await check()
        } catch let problem as APIProblem {
            let source = RequestIdentity.auditSource
            try await apiKeys.audit.recordRefused(AuditFact(
                .credentialRefused, .denied, path: path, status: problem.status.code, address: source.address,
                requestID: source.requestID, detail: AuditFact.detail(["reason": problem.detail ?? problem.title])))
            throw problem
        }
    }
}
