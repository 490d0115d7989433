import COpenSSL
import Synchronization

/// An HMAC-SHA-256 key prepared once: OpenSSL's keyed `EVP_MAC` context, copied for each message.
/// For keys that MAC many short messages (pairwise ids, a hundred per feed page): the one-shot
/// `HMAC()` fetches the algorithm and schedules the key on every call.
///
/// `@unchecked Sendable`: the keyed context is only ever copied, under `lock`, and freed in
/// `deinit`; each message is MACed on its own copy.
public final class HMACSHA256Key: @unchecked Sendable {
    private let keyed: OpaquePointer
    private let lock = Mutex(())

    public init(_ key: [UInt8]) {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            fatalError("OpenSSL provides no HMAC: \(OpenSSLError.drainErrorQueue())")
        }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { fatalError("EVP_MAC_CTX_new failed") }
        let initialised = OSSL_MAC_PARAM_DIGEST.withCString { name in
            "SHA256".withCString { digest in
                var parameters = [OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                                  OSSL_PARAM_construct_end()]
                return key.withUnsafeBufferPointer { EVP_MAC_init(context, $0.baseAddress, $0.count, &parameters) }
            }
        }
        precondition(initialised == 1, "HMAC-SHA-256 key setup failed: \(OpenSSLError.drainErrorQueue())")
        keyed = context
    }

    deinit { EVP_MAC_CTX_free(keyed) }

    public func authenticationCode<Message: Collection<UInt8>>(for message: Message) -> [UInt8] {
        guard let context = lock.withLock({ _ in EVP_MAC_CTX_dup(keyed) }) else { fatalError("EVP_MAC_CTX_dup failed") }
        defer { EVP_MAC_CTX_free(context) }
        var mac = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length = 0
        let updated = message.withContiguousBytes { input in
            EVP_MAC_update(context, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count)
        }
        let finished = EVP_MAC_final(context, &mac, &length, mac.count)
        precondition(updated == 1 && finished == 1 && length == SHA256.byteCount, "HMAC-SHA-256 failed")
        return mac
    }
}
