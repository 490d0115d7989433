import COpenSSL

/// PBKDF2 with HMAC-SHA-256 (RFC 8018) on OpenSSL.
public enum PBKDF2 {
    /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256, which DESIGN.md adopts for passwords.
    public static let recommendedIterations = 600_000

    public static func deriveKey(password: [UInt8], salt: [UInt8], iterations: Int, byteCount: Int = 32) throws -> [UInt8] {
        precondition(iterations > 0 && byteCount > 0)
        var key = [UInt8](repeating: 0, count: byteCount)
        let result = password.withUnsafeBufferPointer { passwordBytes in
            passwordBytes.withMemoryRebound(to: CChar.self) { passwordChars in
                PKCS5_PBKDF2_HMAC(passwordChars.baseAddress, Int32(passwordChars.count), salt, Int32(salt.count),
                                  Int32(iterations), MessageDigest.sha256.pointer, Int32(byteCount), &key)
            }
        }
        try check(result, "PKCS5_PBKDF2_HMAC")
        return key
    }
}
