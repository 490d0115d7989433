import Foundation
import OpenSSLCrypto

/// Random bearer secrets (client secrets, codes, refresh tokens): 256 bits, base64url, stored only
/// as HMAC-SHA-256 under a server key (they are random, so a fast keyed hash suffices).
struct OpaqueToken {
    let hmacKey: HMACSHA256Key

    init(hmacKey: [UInt8]) {
        self.hmacKey = HMACSHA256Key(hmacKey)
    }

    func make(prefix: String) -> String { prefix + Base64URL.encode(SecureRandom.bytes(32)) }

    func hash(_ token: String) -> String {
        Hex.encode(hmacKey.authenticationCode(for: Array(token.utf8)))
    }

    static func identifier(_ prefix: String) -> String {
        prefix + Hex.encode(SecureRandom.bytes(12))
    }
}
