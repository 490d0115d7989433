/// RFC 6749 §5.2 errors (and RFC 6750's `invalid_token` for resource calls).
///
/// `description` says exactly what was wrong, for the audit row and the log; a response carries
/// only the code and `publicDescription`, one fixed text per code, so it never echoes request
/// input (an `alg`, a client id) nor tells why a token no longer counts (revoked or expired).
public struct OAuthError: Error, Equatable, Sendable {
    public let code: String
    public let description: String
    /// 401 for client authentication failures, else 400.
    public let status: Int
    /// A reused code or rotated refresh token: the service revoked what it issued and audited
    /// `reuse.detected` in the same transaction.
    public let isReuse: Bool

    public init(code: String, description: String, status: Int, isReuse: Bool = false) {
        self.code = code
        self.description = description
        self.status = status
        self.isReuse = isReuse
    }

    public var publicDescription: String {
        switch code {
        case "invalid_request": "The request is missing a parameter, repeats one, or is otherwise malformed."
        case "invalid_client": "Client authentication failed."
        case "invalid_grant": "The authorization code or refresh token is invalid."
        case "unauthorized_client": "The client is not allowed to do this."
        case "unsupported_grant_type": "The grant type is not supported."
        case "invalid_scope": "The requested scope is not allowed for this client."
        case "invalid_token": "The access token is invalid."
        case "insufficient_scope": "The access token does not carry the scope this needs."
        default: "The request could not be completed."
        }
    }

    public static let serverError = OAuthError(code: "server_error", description: "the error was logged", status: 500)

    public static func invalidRequest(_ description: String) -> OAuthError { .init(code: "invalid_request", description: description, status: 400) }
    public static func invalidClient(_ description: String = "client authentication failed") -> OAuthError {
        .init(code: "invalid_client", description: description, status: 401)
    }
    public static func invalidGrant(_ description: String) -> OAuthError { .init(code: "invalid_grant", description: description, status: 400) }
    public static func reuseDetected(_ description: String) -> OAuthError {
        .init(code: "invalid_grant", description: description, status: 400, isReuse: true)
    }
    public static func unauthorizedClient(_ description: String) -> OAuthError { .init(code: "unauthorized_client", description: description, status: 400) }
    public static func unsupportedGrantType(_ type: String) -> OAuthError {
        .init(code: "unsupported_grant_type", description: "grant_type \(type) is not supported", status: 400)
    }
    public static func invalidScope(_ description: String) -> OAuthError { .init(code: "invalid_scope", description: description, status: 400) }
    public static func invalidToken(_ description: String) -> OAuthError { .init(code: "invalid_token", description: description, status: 401) }
    public static func insufficientScope(_ description: String) -> OAuthError { .init(code: "insufficient_scope", description: description, status: 403) }
}
