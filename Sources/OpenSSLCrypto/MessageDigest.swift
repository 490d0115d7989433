import COpenSSL

/// An `EVP_MD` fetched once from the default provider.
///
/// `@unchecked Sendable`: a fetched `EVP_MD` is immutable and OpenSSL documents it as safe to use
/// from any number of threads at once; this class never changes it and frees it only in `deinit`.
final class MessageDigest: @unchecked Sendable {
    let pointer: OpaquePointer

    static let sha256 = MessageDigest(name: "SHA256")

    private init(name: String) {
        guard let fetched = EVP_MD_fetch(nil, name, nil) else {
            fatalError("OpenSSL provides no \(name): \(OpenSSLError.drainErrorQueue())")
        }
        pointer = fetched
    }

    deinit { EVP_MD_free(pointer) }
}
