/// RFC 6749 §5.2 errors (and RFC 6750's `invalid_token` for resource calls).
public struct OAuthError: Error, Equatable, Sendable {
    public let code: String
    public let description: String
    /// 401 for client authentication failures, else 400.
    public let status: Int

    public init(code: String, description: String, status: Int) {
        self.code = code
        self.description = description
        self.status = status
    }

    public static let serverError = OAuthError(code: "server_error", description: "the error was logged", status: 500)

    public static func invalidRequest(_ description: String) -> OAuthError { .init(code: "invalid_request", description: description, status: 400) }
    public static func invalidClient(_ description: String = "client authentication failed") -> OAuthError {
        .init(code: "invalid_client", description: description, status: 401)
    }
    public static func invalidGrant(_ description: String) -> OAuthError { .init(code: "invalid_grant", description: description, status: 400) }
    public static func unauthorizedClient(_ description: String) -> OAuthError { .init(code: "unauthorized_client", description: description, status: 400) }
    public static func unsupportedGrantType(_ type: String) -> OAuthError {
        .init(code: "unsupported_grant_type", description: "grant_type \(type) is not supported", status: 400)
    }
    public static func invalidScope(_ description: String) -> OAuthError { .init(code: "invalid_scope", description: description, status: 400) }
    public static func invalidToken(_ description: String) -> OAuthError { .init(code: "invalid_token", description: description, status: 401) }
    public static func insufficientScope(_ description: String) -> OAuthError { .init(code: "insufficient_scope", description: description, status: 403) }
}
