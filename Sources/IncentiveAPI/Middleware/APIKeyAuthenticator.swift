import HTTPTypes
import IncentiveStore

/// The API key of a request (`Authorization: Bearer ink_...`), or 401 with the refusal audited.
struct APIKeyAuthenticator: Sendable {
    let keys: APIKeyRepository
    let audit: AuditTrail

    func authenticate(_ headers: HTTPFields, path: String) async throws -> APIKey {
        if let token = BearerToken.from(headers), let key = try keys.authenticate(token) { return key }
        let source = RequestIdentity.auditSource
        try await audit.recordRefused(AuditFact(.credentialRefused, .denied, address: source.address, requestID: source.requestID,
                                                detail: AuditFact.detail(["path": path, "reason": "no valid API key"])))
        throw APIProblem.unauthorized
    }
}
