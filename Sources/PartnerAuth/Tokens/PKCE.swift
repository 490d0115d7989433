import OpenSSLCrypto

/// RFC 7636 with `S256` only.
public enum PKCE {
    /// 43 to 128 characters of `[A-Za-z0-9-._~]`.
    public static func isWellFormedVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2d || byte == 0x2e || byte == 0x5f || byte == 0x7e
        }
    }

    /// A challenge is the base64url SHA-256 of a verifier: 43 characters.
    public static func isWellFormedChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == 43 && Base64URL.decode(challenge)?.count == 32
    }

    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(Array(verifier.utf8)))
    }

    static func matches(verifier: String, challenge: String) -> Bool {
        ConstantTime.equals(Array(self.challenge(for: verifier).utf8), Array(challenge.utf8))
    }
}
