import Foundation
import OpenSSLCrypto

/// Passwords as `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>` (PBKDF2-HMAC-SHA256, 600,000 iterations).
public enum PasswordHash {
    public static func make(_ password: String, iterations: Int = PBKDF2.recommendedIterations) throws -> String {
        let salt = SecureRandom.bytes(16)
        let hash = try PBKDF2.deriveKey(password: Array(password.utf8), salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Hex.encode(salt))$\(Hex.encode(hash))"
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
              let salt = Hex.decode(parts[2]), let expected = Hex.decode(parts[3]),
              let actual = try? PBKDF2.deriveKey(password: Array(password.utf8), salt: salt, iterations: iterations, byteCount: expected.count)
        else { return false }
        return ConstantTime.equals(actual, expected)
    }
}
