import Foundation
import Hummingbird
import JOSE
import PartnerAuth

/// RFC 8414 authorization server metadata, the JWKS and RFC 9728 protected resource metadata.
struct DiscoveryController<Context: RequestContext> {
    let settings: TokenSettings
    let keys: SigningKeyRing

    func addRoutes(to router: Router<Context>) {
        router.get(".well-known/oauth-authorization-server") { _, _ in metadata(authorizationServer()) }
        // RFC 9728 §3.1: the metadata of the resource `<issuer>/v1` lives at this path. Nothing is
        // served at the bare well-known path: its `resource` would have to be the root (§3.3),
        // which accepts no token.
        router.get(".well-known/oauth-protected-resource/v1") { _, _ in metadata(protectedResource()) }
        router.get(".well-known/jwks.json") { _, _ in
            var response = OAuthResponse.json(keys.jwks())
            // Cached for 300 s: a rotated key is published longer than that before it signs.
            response.headers[.cacheControl] = "public, max-age=300"
            response.headers[.pragma] = nil
            return response
        }
    }

    private func metadata(_ fields: [String: MetadataValue]) -> Response {
        var response = OAuthResponse.json(fields)
        response.headers[.cacheControl] = "public, max-age=300"
        response.headers[.pragma] = nil
        return response
    }

    private func authorizationServer() -> [String: MetadataValue] {
        let issuer = settings.issuer
        return [
            "issuer": .string(issuer),
            "authorization_endpoint": .string(issuer + "/oauth/authorize"),
            "token_endpoint": .string(issuer + "/oauth/token"),
            "jwks_uri": .string(issuer + "/.well-known/jwks.json"),
            "revocation_endpoint": .string(issuer + "/oauth/revoke"),
            "introspection_endpoint": .string(issuer + "/oauth/introspect"),
            "response_types_supported": .strings(["code"]),
            "grant_types_supported": .strings(["authorization_code", "refresh_token", "client_credentials"]),
            "code_challenge_methods_supported": .strings(["S256"]),
            "token_endpoint_auth_methods_supported": .strings(["client_secret_basic", "client_secret_post"]),
            "revocation_endpoint_auth_methods_supported": .strings(["client_secret_basic", "client_secret_post"]),
            "introspection_endpoint_auth_methods_supported": .strings(["client_secret_basic", "client_secret_post"]),
            "scopes_supported": .strings(PartnerRegistry.supportedScopes.sorted()),
            "authorization_response_iss_parameter_supported": .bool(true),
        ]
    }

    private func protectedResource() -> [String: MetadataValue] {
        [
            "resource": .string(settings.audience),
            "authorization_servers": .strings([settings.issuer]),
            "scopes_supported": .strings(PartnerRegistry.supportedScopes.sorted()),
            "bearer_methods_supported": .strings(["header"]),
            "resource_signing_alg_values_supported": .strings(["ES256"]),
        ]
    }
}

enum MetadataValue: Encodable {
    case string(String)
    case strings([String])
    case bool(Bool)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}
