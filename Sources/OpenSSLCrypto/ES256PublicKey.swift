import COpenSSL

/// An ECDSA P-256 public key that verifies ES256 signatures; parsed once.
///
/// `@unchecked Sendable`: the wrapped `EVP_PKEY` is never modified after `init`, and each
/// verification uses its own `EVP_MD_CTX`, which OpenSSL 3 allows from any thread.
public final class ES256PublicKey: @unchecked Sendable {
    let key: OpaquePointer
    /// The affine coordinates, 32 bytes each, as a JWK publishes them.
    public let x: [UInt8]
    public let y: [UInt8]

    /// A key from its JWK coordinates.
    public convenience init(x: [UInt8], y: [UInt8]) throws {
        guard x.count == 32, y.count == 32 else {
            throw OpenSSLError(operation: "ES256 public key", reasons: ["x and y must be 32 bytes each"])
        }
        try self.init(subjectPublicKeyInfo: P256.subjectPublicKeyInfoPrefix + [0x04] + x + y)
    }

    init(subjectPublicKeyInfo der: [UInt8]) throws {
        var cursor: UnsafePointer<UInt8>? = nil
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            cursor = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSLError.drain("d2i_PUBKEY") }
        guard P256.isP256(parsed), der.count == P256.subjectPublicKeyInfoLength else {
            EVP_PKEY_free(parsed)
            throw OpenSSLError(operation: "ES256 public key", reasons: ["the key is not an EC P-256 key"])
        }
        key = parsed
        let point = der.suffix(64)
        x = Array(point.prefix(32))
        y = Array(point.suffix(32))
    }

    deinit { EVP_PKEY_free(key) }

    /// Verifies a raw `r || s` signature; any malformed input is simply invalid.
    public func isValidSignature<Message: Collection<UInt8>>(_ signature: [UInt8], for message: Message) -> Bool {
        guard let der = ECDSASignature.der(fromRaw: signature), let context = EVP_MD_CTX_new() else {
            ERR_clear_error()
            return false
        }
        defer {
            EVP_MD_CTX_free(context)
            ERR_clear_error()
        }
        guard EVP_DigestVerifyInit(context, nil, MessageDigest.sha256.pointer, nil, key) == 1 else { return false }
        return message.withContiguousBytes { input in
            EVP_DigestVerify(context, der, der.count, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count) == 1
        }
    }
}
