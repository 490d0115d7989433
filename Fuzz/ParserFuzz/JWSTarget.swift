import Foundation
import JOSE
import OpenSSLCrypto
import PartnerAuth

/// Compact JWS strings into the strict verifier, with one known key. The corpus seeds are tokens
/// signed with that key (its private half was thrown away after signing them), so mutations
/// reach the signature check. A token that verifies must be in canonical base64url: otherwise
/// one token would have many spellings that all pass.
enum JWSTarget {
    static let kid = "fuzz-key"
    static let publicKey = try! ES256PublicKey(
        x: [88, 168, 250, 33, 253, 218, 22, 53, 7, 122, 247, 7, 160, 64, 106, 136, 79, 94, 144, 13, 206, 21, 13, 115, 29, 198,
            180, 174, 253, 103, 92, 225],
        y: [97, 100, 239, 74, 20, 227, 169, 164, 221, 27, 254, 36, 137, 168, 70, 206, 203, 243, 177, 3, 70, 172, 221, 165, 152,
            6, 176, 21, 100, 16, 246, 91])

    static func run(_ bytes: [UInt8]) {
        let token = String(decoding: bytes, as: UTF8.self)
        guard let (_, payload) = try? CompactJWS.verify(token, typ: "at+jwt", key: { $0 == kid ? publicKey : nil }) else { return }
        for part in token.split(separator: ".", omittingEmptySubsequences: false) {
            guard let decoded = Base64URL.decode(part), Base64URL.encode(decoded) == part else {
                fatalError("verified a token with a non-canonical part \(part)")
            }
        }
        _ = try? JSONDecoder().decode(AccessTokenClaims.self, from: payload)
    }
}
