public import Foundation
import OpenSSLCrypto

/// A random secret kept in a file of the data folder (mode 0600), made on first use. An existing
/// file is never replaced: a short, long or exposed one stops the start (`PrivateFileError`).
public enum SecretKeyFile {
    public static func loadOrCreate(_ url: URL, byteCount: Int = 32) throws -> [UInt8] {
        if let existing = try load(url, byteCount: byteCount) { return existing }
        let key = SecureRandom.bytes(byteCount)
        try SecureFile.write(Data(key), to: url)
        return key
    }

    /// The key, or nil when the file does not exist.
    public static func load(_ url: URL, byteCount: Int = 32) throws -> [UInt8]? {
        guard let existing = try SecureFile.readPrivate(url) else { return nil }
        guard existing.count == byteCount else {
            throw PrivateFileError.malformed(path: url.path, reason: "\(existing.count) bytes, expected \(byteCount)")
        }
        return Array(existing)
    }
}
