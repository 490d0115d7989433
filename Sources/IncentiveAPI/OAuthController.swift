import Foundation
import Hummingbird
import PartnerAuth

/// `POST /oauth/token`, `/oauth/revoke` (RFC 7009) and `/oauth/introspect` (RFC 7662).
struct OAuthController<Context: RequestContext> {
    let tokens: TokenService
    let clients: ClientAuthenticator

    func addRoutes(to router: Router<Context>) {
        router.post("oauth/token") { request, _ in await answer { try await token(request) } }
        router.post("oauth/revoke") { request, _ in await answer { try await revoke(request) } }
        router.post("oauth/introspect") { request, _ in await answer { try await introspect(request) } }
    }

    private func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as OAuthError {
            return OAuthResponse.error(error)
        } catch {
            return OAuthResponse.error(.serverError)
        }
    }

    private func token(_ request: Request) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try await clients.authenticate(request, form: form)
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
        return OAuthResponse.json(response)
    }

    private func revoke(_ request: Request) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try await clients.authenticate(request, form: form)
        try await tokens.revoke(partner: partner, token: try form.require("token"))
        return Response(status: .ok, headers: [.cacheControl: "no-store"])
    }

    private func introspect(_ request: Request) async throws -> Response {
        let form = try await FormBody.parse(request)
        let partner = try await clients.authenticate(request, form: form)
        return OAuthResponse.json(try await tokens.introspect(partner: partner, token: try form.require("token")))
    }
}
