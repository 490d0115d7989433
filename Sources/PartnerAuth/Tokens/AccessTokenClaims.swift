/// The claims of an RFC 9068 access token.
public struct AccessTokenClaims: Codable, Sendable, Equatable {
    public var iss: String
    public var aud: String
    public var sub: String
    public var clientID: String
    public var scope: String
    public var jti: String
    public var iat: Int
    public var exp: Int
    /// Never issued by us; honoured if present (RFC 7519 §4.1.5).
    public var nbf: Int?
    /// Absent on client-credentials tokens.
    public var grantID: String?
    public var familyID: String?

    enum CodingKeys: String, CodingKey {
        case iss, aud, sub, scope, jti, iat, exp, nbf
        case clientID = "client_id"
        case grantID = "grant_id"
        case familyID = "family_id"
    }

    public var scopes: ScopeSet { ScopeSet(parsing: scope) }
}
