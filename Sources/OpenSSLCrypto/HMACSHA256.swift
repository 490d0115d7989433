import COpenSSL

/// HMAC-SHA-256 (RFC 2104) on OpenSSL.
public enum HMACSHA256 {
    public static func authenticationCode<Message: Collection<UInt8>>(for message: Message, key: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length: UInt32 = 0
        let result = message.withContiguousBytes { input in
            key.withUnsafeBufferPointer { keyBytes in
                HMAC(MessageDigest.sha256.pointer, keyBytes.baseAddress, Int32(keyBytes.count),
                     input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count, &mac, &length)
            }
        }
        precondition(result != nil && length == UInt32(SHA256.byteCount), "HMAC-SHA-256 failed")
        return mac
    }

    /// Checks `mac` in constant time.
    public static func isValid<Message: Collection<UInt8>>(_ mac: [UInt8], for message: Message, key: [UInt8]) -> Bool {
        ConstantTime.equals(mac, authenticationCode(for: message, key: key))
    }
}
