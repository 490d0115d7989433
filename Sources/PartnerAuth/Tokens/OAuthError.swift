/// RFC 6749 §5.2 errors (and RFC 6750's `invalid_token` and `insufficient_scope` for resource
/// calls), one case per code, each with its HTTP status.
///
/// The associated text says exactly what was wrong, for the audit row and the log; a response
/// carries only the code and `publicDescription`, one fixed text per code, so it never echoes
/// request input (an `alg`, a client id) nor tells why a token no longer counts.
public enum OAuthError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidRequest(String)
    case invalidClient(String = "client authentication failed")
    case invalidGrant(String)
    /// A reused code or rotated refresh token (`invalid_grant`): the service revoked what it
    /// issued and audited `reuse.detected` in the same transaction.
    case reuseDetected(String)
    case unauthorizedClient(String)
    /// The grant type that was asked for.
    case unsupportedGrantType(String)
    case invalidScope(String)
    case invalidToken(String)
    case insufficientScope(String)
    case serverError

    /// The RFC error code, as the response's `error` carries it.
    public var code: String {
        switch self {
        case .invalidRequest: "invalid_request"
        case .invalidClient: "invalid_client"
        case .invalidGrant, .reuseDetected: "invalid_grant"
        case .unauthorizedClient: "unauthorized_client"
        case .unsupportedGrantType: "unsupported_grant_type"
        case .invalidScope: "invalid_scope"
        case .invalidToken: "invalid_token"
        case .insufficientScope: "insufficient_scope"
        case .serverError: "server_error"
        }
    }

    /// 401 for client authentication and bad tokens, 403 for a missing scope, 500 for ours, else 400.
    public var status: Int {
        switch self {
        case .invalidClient, .invalidToken: 401
        case .insufficientScope: 403
        case .serverError: 500
        default: 400
        }
    }

    public var isReuse: Bool {
        if case .reuseDetected = self { true } else { false }
    }

    /// What exactly was wrong: for the audit row and the log, never for the response.
    public var description: String {
        switch self {
        case .invalidRequest(let detail), .invalidClient(let detail), .invalidGrant(let detail), .reuseDetected(let detail),
             .unauthorizedClient(let detail), .invalidScope(let detail), .invalidToken(let detail), .insufficientScope(let detail):
            detail
        case .unsupportedGrantType(let type): "grant_type \(type) is not supported"
        case .serverError: "the error was logged"
        }
    }

    public var publicDescription: String {
        switch self {
        case .invalidRequest: "The request is missing a parameter, repeats one, or is otherwise malformed."
        case .invalidClient: "Client authentication failed."
        case .invalidGrant, .reuseDetected: "The authorization code or refresh token is invalid."
        case .unauthorizedClient: "The client is not allowed to do this."
        case .unsupportedGrantType: "The grant type is not supported."
        case .invalidScope: "The requested scope is not allowed for this client."
        case .invalidToken: "The access token is invalid."
        case .insufficientScope: "The access token does not carry the scope this needs."
        case .serverError: "The request could not be completed."
        }
    }
}
