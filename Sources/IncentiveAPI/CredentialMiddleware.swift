import Foundation
import Hummingbird
import IncentiveStore
import PartnerAuth

/// Authenticates each `/v1` request the way its route is meant to be called, and puts the
/// identity in `RequestIdentity`:
/// - `/v1/achievements`: a partner's bearer access token (uncached revocation checks), 401 with
///   `WWW-Authenticate: Bearer error="invalid_token"` for any bad, expired or revoked token;
/// - `/v1/me/...`: the session cookie; state-changing requests must carry our `Origin` (else 403);
/// - everything else: an API key (`Authorization: Bearer ink_...`), scopes checked by each handler.
struct CredentialMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeyRepository
    let chain: AuditChain
    let tokens: TokenService
    let browser: BrowserSession
    let origin: PublicOrigin
    let audit: AuditTrail
    let rateLimitAudit: RateLimitAudit
    let limiter: PartnerRateLimiter

    static var partnerScope: String { "achievements:read" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The router ignores empty segments (`//v1/achievements/`); so must the choice of credential.
        let path = "/" + request.uri.path.split(separator: "/").joined(separator: "/")
        let source = AuditSource(requestID: context.id, address: Self.address(context))
        if path == "/v1/achievements" {
            let identity: BearerIdentity
            do {
                identity = try partner(request)
            } catch let refusal as BearerRefusal {
                // A token we signed names who it was issued to, even when it no longer counts.
                let claims = bearerToken(request).flatMap { try? tokens.decode(accessToken: $0) }
                try await audit.recordRefused(AuditFact(
                    type: "credential.refused", outcome: "denied", clientID: claims?.clientID, subject: claims?.sub,
                    grantID: claims?.grantID, jti: claims?.jti, path: path, status: refusal.problem.status.code,
                    address: source.address, requestID: source.requestID, detail: AuditFact.detail(["reason": refusal.reason])))
                throw refusal.problem
            }
            let rows = RowCounter()
            let quota = limiter.take(identity.clientID)
            var response: Response
            if quota.allowed {
                do {
                    response = try await RequestIdentity.$partner.withValue(identity) {
                        try await RequestIdentity.$rowsReturned.withValue(rows) { try await next(request, context) }
                    }
                } catch {
                    response = ProblemMiddleware<Context>.response(for: error, logger: context.logger)
                }
            } else {
                response = ProblemMiddleware<Context>.response(.tooManyRequests(retryAfter: quota.resetSeconds))
            }
            // Every partner-authenticated response carries the quota, errors included.
            response.headers[.rateLimitPolicy] = limiter.policy
            response.headers[.rateLimit] = limiter.header(quota)
            if response.status == .tooManyRequests, !rateLimitAudit.count(clientID: identity.clientID) {
                return response  // counted; the minute's summary row carries it
            }
            // Fails closed: without its row the page is not sent (503 instead).
            try await audit.record(AuditFact(
                type: "partner.call", outcome: response.status.code < 400 ? "ok" : "denied", clientID: identity.clientID,
                userID: identity.userID, subject: identity.subject, grantID: identity.grantID, jti: identity.jti, path: path,
                status: response.status.code, rows: rows.count, address: Self.address(context), requestID: context.id))
            return response
        }
        if path.hasPrefix("/v1/me/") {
            let session = try await user(request)
            return try await RequestIdentity.$auditSource.withValue(source) {
                try await RequestIdentity.$user.withValue(session) { try await next(request, context) }
            }
        }
        guard let token = bearerToken(request), let key = try keys.authenticate(token) else {
            try await audit.recordRefused(AuditFact(type: "credential.refused", outcome: "denied", address: source.address,
                                                    requestID: source.requestID,
                                                    detail: AuditFact.detail(["path": path, "reason": "no valid API key"])))
            throw APIProblem.unauthorized
        }
        guard key.scopes.contains(.admin), request.method != .get, request.method != .head, !Self.isAppOperation(path) else {
            return try await RequestIdentity.$auditSource.withValue(source) {
                try await RequestIdentity.$apiKey.withValue(key) { try await next(request, context) }
            }
        }
        return try await adminChange(request, context, key: key, path: path, source: source, next: next)
    }

    /// An admin's change: its `admin.change` row goes into the change's own transaction (the
    /// handler hands `RequestIdentity.adminChange` to the repository); a refused change is
    /// recorded as denied before the answer leaves.
    private func adminChange(_ request: Request, _ context: Context, key: APIKey, path: String, source: AuditSource,
                             next: (Request, Context) async throws -> Response) async throws -> Response {
        let detail = ["api_key": key.id, "method": request.method.rawValue, "path": path]
        let change = AuditedChange(chain: chain, fact: AuditFact(
            type: "admin.change", outcome: "ok", address: source.address, requestID: source.requestID, detail: AuditFact.detail(detail)))
        let response: Response
        do {
            response = try await RequestIdentity.$auditSource.withValue(source) {
                try await RequestIdentity.$adminChange.withValue(change) {
                    try await RequestIdentity.$apiKey.withValue(key) { try await next(request, context) }
                }
            }
        } catch let error as AuditWriteError {
            throw error
        } catch {
            let problem = ProblemMiddleware<Context>.problem(for: error)
            try await recordRefusedChange(detail, status: problem.status.code, source: source)
            throw error
        }
        if response.status.code >= 400 {
            try await recordRefusedChange(detail, status: response.status.code, source: source)
        } else if !change.wasAppended {
            // Every admin write passes the row to its repository; one that did not is a bug to fix, not a gap to leave.
            context.logger.error("Admin change without its audit row in the transaction", metadata: ["path": "\(path)"])
            try await audit.record(change.fact)
        }
        return response
    }

    /// What the app does with any key, admin or not (events, sign-in links): audited as what it is, not as administration.
    static func isAppOperation(_ path: String) -> Bool {
        path == "/v1/events" || (path.hasPrefix("/v1/users/") && path.hasSuffix("/sign-in-links"))
    }

    private func recordRefusedChange(_ detail: [String: String], status: Int, source: AuditSource) async throws {
        try await audit.record("admin.change", "denied", address: source.address, requestID: source.requestID,
                               detail: detail.merging(["status": String(status)]) { $1 })
    }

    /// A refused bearer token: the problem for the response (RFC 6750 codes only) and the exact reason for the audit row.
    private struct BearerRefusal: Error {
        let problem: APIProblem
        let reason: String
    }

    private func partner(_ request: Request) throws -> BearerIdentity {
        // RFC 6750 §3.1: a request without any credential gets a challenge without an error code.
        guard let token = bearerToken(request) else { throw BearerRefusal(problem: .bearerRequired, reason: "no bearer token") }
        do {
            return try tokens.verifyBearer(token, requiredScope: Self.partnerScope)
        } catch let error as OAuthError where error.code == "insufficient_scope" {
            throw BearerRefusal(problem: .insufficientScope(Self.partnerScope), reason: error.description)
        } catch let error as OAuthError {
            throw BearerRefusal(problem: .invalidToken(error.publicDescription), reason: error.description)
        }
    }

    private func user(_ request: Request) async throws -> Session {
        guard let (_, session) = try await browser.current(request) else {
            throw APIProblem(status: .unauthorized, title: "Unauthorized", detail: "Sign in first.")
        }
        if request.method != .get && request.method != .head {
            guard let sent = request.headers[.origin], Self.origin(of: sent) == Self.origin(of: origin.url) else {
                throw APIProblem.forbidden("Cookie-authenticated changes must carry this service's Origin header.")
            }
        }
        return session
    }

    static func address(_ context: Context) -> String? {
        (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
    }

    /// `scheme://host[:port]`, lowercased, without a default port or a path.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased() else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        let port = components.port.flatMap { $0 == defaultPort ? nil : ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }

    /// The token of `Authorization: Bearer <token>` (the scheme in any case, RFC 9110 §11.1). Bytes,
    /// not Foundation: trimming through `CharacterSet` cost more than the token check.
    private func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let scheme = "bearer ".utf8
        var token = Substring(header).utf8
        guard token.count > scheme.count,
              zip(token, scheme).allSatisfy({ $0 == $1 || ($1 != UInt8(ascii: " ") && $0 | 0x20 == $1) })
        else { return nil }
        token = token.dropFirst(scheme.count)
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while let first = token.first, isBlank(first) { token = token.dropFirst() }
        while let last = token.last, isBlank(last) { token = token.dropLast() }
        return String(Substring(token))
    }
}
