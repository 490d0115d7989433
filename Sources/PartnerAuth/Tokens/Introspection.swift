import Foundation

/// An RFC 7662 introspection answer.
public struct Introspection: Codable, Sendable, Equatable {
    public let active: Bool
    public var scope: String?
    public var clientID: String?
    public var sub: String?
    public var exp: Int?
    public var iat: Int?
    public var tokenType: String?
    public var iss: String?
    public var aud: String?
    public var jti: String?

    enum CodingKeys: String, CodingKey {
        case active, scope, sub, exp, iat, iss, aud, jti
        case clientID = "client_id"
        case tokenType = "token_type"
    }

    static let inactive = Introspection(active: false)

    init(active: Bool, scope: String? = nil, clientID: String? = nil, sub: String? = nil, exp: Int? = nil, iat: Int? = nil,
         tokenType: String? = nil, iss: String? = nil, aud: String? = nil, jti: String? = nil) {
        self.active = active
        self.scope = scope
        self.clientID = clientID
        self.sub = sub
        self.exp = exp
        self.iat = iat
        self.tokenType = tokenType
        self.iss = iss
        self.aud = aud
        self.jti = jti
    }
}
