import COpenSSL

/// An ECDSA P-256 private key for ES256 (RFC 7518 §3.4), parsed once and reused for every signature.
///
/// `@unchecked Sendable`: the wrapped `EVP_PKEY` is never modified after `init`; OpenSSL 3 allows
/// concurrent signing with one key because each signature uses its own `EVP_MD_CTX`.
public final class ES256PrivateKey: @unchecked Sendable {
    let key: OpaquePointer
    public let publicKey: ES256PublicKey

    /// A new random key.
    public convenience init() throws {
        guard let key = shim_EVP_EC_gen_P256() else { throw OpenSSLError.drain("EVP_EC_gen(P-256)") }
        try self.init(taking: key)
    }

    /// A key from PEM (PKCS#8 or SEC 1); refuses any key that is not on P-256.
    public convenience init(pemRepresentation pem: String) throws {
        let key = try MemoryBIO.reading(Array(pem.utf8)) { bio in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
                throw OpenSSLError.drain("PEM_read_bio_PrivateKey")
            }
            return key
        }
        try self.init(taking: key)
    }

    private init(taking key: OpaquePointer) throws {
        guard P256.isP256(key) else {
            EVP_PKEY_free(key)
            throw OpenSSLError(operation: "ES256 key", reasons: ["the key is not an EC P-256 key"])
        }
        self.key = key
        publicKey = try ES256PublicKey(subjectPublicKeyInfo: P256.subjectPublicKeyInfo(of: key))
    }

    deinit { EVP_PKEY_free(key) }

    /// PKCS#8 PEM, for the key files in the data folder.
    public func pemRepresentation() throws -> String {
        let bytes = try MemoryBIO.writing { bio in
            try check(PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil), "PEM_write_bio_PrivateKey")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The JWS signature of `message`: raw `r || s`, 64 bytes.
    public func signature<Message: Collection<UInt8>>(for message: Message) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLError.drain("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        try check(EVP_DigestSignInit(context, nil, MessageDigest.sha256.pointer, nil, key), "EVP_DigestSignInit")
        var der = [UInt8](repeating: 0, count: 80)
        var length = der.count
        let result = message.withContiguousBytes { input in
            EVP_DigestSign(context, &der, &length, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count)
        }
        try check(result, "EVP_DigestSign")
        return try ECDSASignature.raw(fromDER: Array(der.prefix(length)))
    }
}
