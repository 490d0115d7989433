import Foundation
import Hummingbird
import IncentiveStore
import PartnerAuth

/// `POST /oauth/token`, `/oauth/revoke` (RFC 7009) and `/oauth/introspect` (RFC 7662).
struct OAuthController<Context: RequestContext> {
    let tokens: TokenService
    let clients: ClientAuthenticator
    let audit: AuditTrail

    func addRoutes(to router: Router<Context>) {
        router.post("oauth/token") { request, context in await answer("token", context) { try await token(request, context) } }
        router.post("oauth/revoke") { request, context in await answer("revoke", context) { try await revoke(request, context) } }
        router.post("oauth/introspect") { request, context in await answer("introspect", context) { try await introspect(request) } }
    }

    /// Runs an endpoint. Every refusal is audited with what exactly was wrong (the response says
    /// only the RFC code); a reused code or refresh token was already audited as `reuse.detected`
    /// by the transaction that revoked what it issued. No audit row, no answer: 503.
    private func answer(_ endpoint: String, _ context: Context, _ body: () async throws -> Response) async -> Response {
        do {
            do {
                return try await body()
            } catch let error as OAuthError {
                if !error.isReuse {
                    try await audit.recordRefused(AuditFact(
                        .credentialRefused, .denied, address: AuditSource(context).address,
                        requestID: context.id, detail: AuditFact.detail(["endpoint": endpoint, "error": error.code, "reason": error.description])))
                }
                return OAuthResponse.error(error)
            }
        } catch let error as AuditWriteError {
            context.logger.error("OAuth endpoint refused: no audit row", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            return ProblemMiddleware<Context>.response(.auditUnavailable)
        } catch {
            context.logger.error("OAuth endpoint failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            return OAuthResponse.error(.serverError)
        }
    }

    private func token(_ request: Request, _ context: Context) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try clients.authenticate(request, form: form)
        let grantType = try form.require("grant_type")
        let source = AuditSource(context)
        let response: TokenResponse
        switch grantType {
        case "authorization_code":
            response = try await tokens.exchangeCode(partner: partner, code: try form.require("code"),
                                                     redirectURI: form["redirect_uri"], verifier: form["code_verifier"], source: source)
        case "refresh_token":
            response = try await tokens.refresh(partner: partner, refreshToken: try form.require("refresh_token"), scope: form["scope"],
                                                source: source)
        case "client_credentials":
            response = try tokens.clientCredentials(partner: partner, scope: form["scope"])
            // Nothing is stored for it: the row is written before the token leaves.
            try await audit.record(.tokenIssued, .ok, client: partner.clientId, jti: response.claims?.jti, address: source.address,
                                   requestID: context.id, detail: ["grant_type": grantType])
        default:
            throw OAuthError.unsupportedGrantType(grantType)
        }
        ServiceMetrics.tokenIssued(grantType: grantType)
        return OAuthResponse.json(response)
    }

    private func revoke(_ request: Request, _ context: Context) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try clients.authenticate(request, form: form)
        try await tokens.revoke(partner: partner, token: try form.require("token"), hint: form["token_type_hint"],
                                source: AuditSource(context))
        return Response(status: .ok, headers: [.cacheControl: "no-store"])
    }

    private func introspect(_ request: Request) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try clients.authenticate(request, form: form)
        return OAuthResponse.json(try await tokens.introspect(partner: partner, token: try form.require("token")))
    }
}
