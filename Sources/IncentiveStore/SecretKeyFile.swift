public import Foundation
import OpenSSLCrypto

/// A random secret kept in a file of the data folder (mode 0600), made on first use.
public enum SecretKeyFile {
    public static func loadOrCreate(_ url: URL, byteCount: Int = 32) throws -> [UInt8] {
        if let existing = try? Data(contentsOf: url), existing.count == byteCount { return Array(existing) }
        let key = SecureRandom.bytes(byteCount)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.appendingPathExtension("tmp")
        try? FileManager.default.removeItem(at: temporary)
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(key), attributes: [.posixPermissions: 0o600]),
              rename(temporary.path, url.path) == 0
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        return key
    }
}
