public import OpenSSLCrypto

/// A public EC P-256 key as a JSON Web Key (RFC 7517/7518), for the JWKS document.
public struct JWK: Codable, Sendable, Equatable {
    public let kty: String
    public let crv: String
    public let x: String
    public let y: String
    public let kid: String
    public let use: String
    public let alg: String

    public init(publicKey: ES256PublicKey, kid: String) {
        kty = "EC"
        crv = "P-256"
        x = Base64URL.encode(publicKey.x)
        y = Base64URL.encode(publicKey.y)
        self.kid = kid
        use = "sig"
        alg = CompactJWS.algorithm
    }
}

/// `{"keys": [...]}`.
public struct JWKSet: Codable, Sendable, Equatable {
    public let keys: [JWK]

    public init(keys: [JWK]) {
        self.keys = keys
    }
}
