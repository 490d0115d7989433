import Foundation
import OpenSSLCrypto

/// Random bearer secrets (client secrets, codes, refresh tokens): 256 bits, base64url, stored only
/// as HMAC-SHA-256 under a server key (they are random, so a fast keyed hash suffices).
struct OpaqueToken {
    let hmacKey: [UInt8]

    func make(prefix: String) -> String { prefix + Base64URL.encode(SecureRandom.bytes(32)) }

    func hash(_ token: String) -> String {
        Hex.encode(HMACSHA256.authenticationCode(for: Array(token.utf8), key: hmacKey))
    }

    static func identifier(_ prefix: String) -> String {
        prefix + Hex.encode(SecureRandom.bytes(12))
    }
}
