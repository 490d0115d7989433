import Foundation
import Hummingbird
import IncentiveStore
import PartnerAuth

/// The partner API's credential (`GET /v1/achievements`): a bearer access token, checked
/// uncached against every revocation that must reach it; 401 with `WWW-Authenticate: Bearer
/// error="invalid_token"` for any bad, expired or revoked token (the exact reason goes to the
/// audit row, never to the response). Then the partner's quota (429 and the `RateLimit` headers,
/// on errors too) and, fail closed, the `partner.call` audit row: without it the page is not sent.
struct PartnerBearerMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenService
    let audit: AuditTrail
    let rateLimitAudit: RateLimitAudit
    let limiter: PartnerRateLimiter

    static var partnerScope: String { OAuthScope.achievementsRead.rawValue }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = RoutePath.normalized(request.uri.path)
        let source = AuditSource(context)
        let identity: BearerIdentity
        do {
            identity = try partner(request)
        } catch let refusal as BearerRefusal {
            // A token we signed names who it was issued to, even when it no longer counts.
            let claims = BearerToken.from(request.headers).flatMap { try? tokens.decode(accessToken: $0) }
            try await audit.recordRefused(AuditFact(
                .credentialRefused, .denied, clientID: claims?.clientID, subject: claims?.sub,
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
        response.headers[.rateLimitPolicy] = limiter.policy
        response.headers[.rateLimit] = limiter.header(quota)
        if response.status == .tooManyRequests, !rateLimitAudit.count(clientID: identity.clientID) {
            return response  // counted; the minute's summary row carries it
        }
        try await audit.record(AuditFact(
            .partnerCall, response.status.code < 400 ? .ok : .denied, clientID: identity.clientID,
            userID: identity.userID, subject: identity.subject, grantID: identity.grantID, jti: identity.jti, path: path,
            status: response.status.code, rows: rows.count, address: source.address, requestID: source.requestID))
        return response
    }

    /// A refused bearer token: the problem for the response (RFC 6750 codes only) and the exact reason for the audit row.
    private struct BearerRefusal: Error {
        let problem: APIProblem
        let reason: String
    }

    private func partner(_ request: Request) throws -> BearerIdentity {
        // RFC 6750 §3.1: a request without any credential gets a challenge without an error code.
        guard let token = BearerToken.from(request.headers) else { throw BearerRefusal(problem: .bearerRequired, reason: "no bearer token") }
        do {
            return try tokens.verifyBearer(token, requiredScope: Self.partnerScope)
        } catch OAuthError.insufficientScope(let reason) {
            throw BearerRefusal(problem: .insufficientScope(Self.partnerScope), reason: reason)
        } catch let error as OAuthError {
            throw BearerRefusal(problem: .invalidToken(error.publicDescription), reason: error.description)
        }
    }
}
