import Foundation
import Hummingbird
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

    /// Runs an endpoint; every refusal is audited (reuse of a code or refresh token as its own fact).
    private func answer(_ endpoint: String, _ context: Context, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as OAuthError {
            let reuse = error.description.contains("already used") || error.description.contains("reuse")
            await audit.record(reuse ? "reuse.detected" : "credential.refused", "denied", requestID: context.id,
                               detail: ["endpoint": endpoint, "error": error.code, "reason": error.description])
            return OAuthResponse.error(error)
        } catch {
            context.logger.error("OAuth endpoint failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            return OAuthResponse.error(.serverError)
        }
    }

    private func token(_ request: Request, _ context: Context) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try clients.authenticate(request, form: form)
        let grantType = try form.require("grant_type")
        let response: TokenResponse
        switch grantType {
        case "authorization_code":
            response = try await tokens.exchangeCode(partner: partner, code: try form.require("code"),
                                                     redirectURI: form["redirect_uri"], verifier: form["code_verifier"])
        case "refresh_token":
            response = try await tokens.refresh(partner: partner, refreshToken: try form.require("refresh_token"), scope: form["scope"])
        case "client_credentials":
            response = try tokens.clientCredentials(partner: partner, scope: form["scope"])
        default:
            throw OAuthError.unsupportedGrantType(grantType)
        }
        let claims = response.claims
        await audit.record(grantType == "refresh_token" ? "token.refreshed" : "token.issued", "ok", client: partner.clientId,
                           grant: claims?.grantID, jti: claims?.jti, requestID: context.id, detail: ["grant_type": grantType])
        ServiceMetrics.tokenIssued(grantType: grantType)
        return OAuthResponse.json(response)
    }

    private func revoke(_ request: Request, _ context: Context) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try clients.authenticate(request, form: form)
        try await tokens.revoke(partner: partner, token: try form.require("token"))
        await audit.record("token.revoked", "ok", client: partner.clientId, requestID: context.id,
                           detail: ["token_type_hint": form["token_type_hint"] ?? ""])
        return Response(status: .ok, headers: [.cacheControl: "no-store"])
    }

    private func introspect(_ request: Request) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try clients.authenticate(request, form: form)
        return OAuthResponse.json(try await tokens.introspect(partner: partner, token: try form.require("token")))
    }
}
