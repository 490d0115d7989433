public import Foundation

/// Lifetimes and identifiers of the authorization server (DESIGN §5).
public struct TokenSettings: Sendable {
    /// The public base URL: `iss` of every token and the base of metadata.
    public var issuer: String
    public var accessTokenLifetime: TimeInterval = 600
    public var codeLifetime: TimeInterval = 60
    public var refreshIdleLifetime: TimeInterval = 30 * 86_400
    public var refreshAbsoluteLifetime: TimeInterval = 365 * 86_400
    /// Reuse of a refresh token rotated this recently is a client's retry: `invalid_grant` only.
    public var refreshRetryWindow: TimeInterval = 5
    public var clockLeeway: TimeInterval = 30

    public init(issuer: String) {
        self.issuer = issuer
    }

    /// The resource identifier of RFC 9728 metadata, the `aud` of every access token.
    public var audience: String { issuer + "/v1" }
}
