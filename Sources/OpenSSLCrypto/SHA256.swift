import COpenSSL

/// SHA-256 (FIPS 180-4) on OpenSSL's EVP interface.
public enum SHA256 {
    public static let byteCount = 32

    public static func hash<Bytes: Collection<UInt8>>(_ data: Bytes) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let ok = data.withContiguousBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, MessageDigest.sha256.pointer, nil)
        }
        precondition(ok == 1 && length == UInt32(byteCount), "EVP_Digest(SHA-256) failed")
        return digest
    }
}
