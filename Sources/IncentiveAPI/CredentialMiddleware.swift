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
        if path == "/v1/achievements" {
            let identity: BearerIdentity
            do {
                identity = try await partner(request)
            } catch let problem as APIProblem {
                // A token we signed names who it was issued to, even when it no longer counts.
                let claims = bearerToken(request).flatMap { try? tokens.decode(accessToken: $0) }
                await audit.record(AuditFact(
                    type: "credential.refused", outcome: "denied", clientID: claims?.clientID, subject: claims?.sub,
                    grantID: claims?.grantID, jti: claims?.jti, path: path, status: problem.status.code,
                    address: Self.address(context), requestID: context.id, detail: AuditTrail.json(["reason": problem.detail ?? ""])))
                throw problem
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
            await audit.record(AuditFact(
                type: "partner.call", outcome: response.status.code < 400 ? "ok" : "denied", clientID: identity.clientID,
                userID: identity.userID, subject: identity.subject, grantID: identity.grantID, jti: identity.jti, path: path,
                status: response.status.code, rows: rows.count, address: Self.address(context), requestID: context.id))
            return response
        }
        if path.hasPrefix("/v1/me/") {
            let session = try await user(request)
            return try await RequestIdentity.$user.withValue(session) { try await next(request, context) }
        }
        guard let token = bearerToken(request), let key = try keys.authenticate(token) else {
            await audit.record("credential.refused", "denied", address: Self.address(context), requestID: context.id,
                               detail: ["path": path, "reason": "no valid API key"])
            throw APIProblem.unauthorized
        }
        let response = try await RequestIdentity.$apiKey.withValue(key) { try await next(request, context) }
        if key.scopes.contains(.admin), request.method != .get, request.method != .head, path != "/v1/events" {
            await audit.record("admin.change", response.status.code < 400 ? "ok" : "denied", address: Self.address(context),
                               requestID: context.id, detail: ["api_key": key.id, "method": request.method.rawValue, "path": path,
                                                               "status": String(response.status.code)])
        }
        return response
    }

    private func partner(_ request: Request) async throws -> BearerIdentity {
        // RFC 6750 §3.1: a request without any credential gets a challenge without an error code.
        guard let token = bearerToken(request) else { throw APIProblem.bearerRequired }
        do {
            return try tokens.verifyBearer(token, requiredScope: Self.partnerScope)
        } catch let error as OAuthError where error.code == "insufficient_scope" {
            throw APIProblem.insufficientScope(Self.partnerScope)
        } catch let error as OAuthError {
            throw APIProblem.invalidToken(error.description)
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
