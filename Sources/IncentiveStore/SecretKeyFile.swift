public import Foundation
import OpenSSLCrypto

/// A random secret kept in a file of the data folder (mode 0600), made on first use.
public enum SecretKeyFile {
    public static func loadOrCreate(_ url: URL, byteCount: Int = 32) throws -> [UInt8] {
        if let existing = try? Data(contentsOf: url), existing.count == byteCount { return Array(existing) }
        let key = SecureRandom.bytes(byteCount)
        try SecureFile.write(Data(key), to: url)
        return key
    }
}
