/// A successful token endpoint answer (RFC 6749 §5.1).
public struct TokenResponse: Codable, Sendable, Equatable {
    public let accessToken: String
    public let tokenType: String
    public let expiresIn: Int
    public let refreshToken: String?
    public let scope: String
    /// What the access token says (not sent: the token carries it), for the audit row.
    public var claims: AccessTokenClaims?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case scope
    }
}

/// Who a valid bearer token speaks for, after every uncached check passed.
public struct BearerIdentity: Sendable, Equatable {
    public let clientID: String
    public let subject: String
    /// The user behind a user-bound token; nil for client credentials.
    public let userID: String?
    public let grantID: String?
    public let familyID: String?
    public let scopes: ScopeSet
    public let jti: String
}
