import Foundation
import OpenSSLCrypto

/// Passwords as `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>` (PBKDF2-HMAC-SHA256, 600,000 iterations).
public enum PasswordHash {
    public static func make(_ password: String, iterations: Int = PBKDF2.recommendedIterations) throws -> String {
        let salt = SecureRandom.bytes(16)
        let hash = try PBKDF2.deriveKey(password: Array(password.utf8), salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(hex(salt))$\(hex(hash))"
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
              let salt = bytes(hex: parts[2]), let expected = bytes(hex: parts[3]),
              let actual = try? PBKDF2.deriveKey(password: Array(password.utf8), salt: salt, iterations: iterations, byteCount: expected.count)
        else { return false }
        return ConstantTime.equals(actual, expected)
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}
