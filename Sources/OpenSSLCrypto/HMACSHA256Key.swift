import COpenSSL
import Synchronization

/// An HMAC-SHA-256 key prepared once, for keys that MAC many short messages (pairwise ids, three
/// hundred per feed page). The one-shot `HMAC()` fetches the algorithm and schedules the key on
/// every call; copying a keyed `EVP_MAC` context per message allocated and freed a digest context
/// each time. Here keyed contexts are kept in a pool and re-armed with `EVP_MAC_init` without a
/// key, which restores the prepared key state in place (`HMACSHA256Session`). OpenSSL 3.0.0 to
/// 3.0.2 ignored such a re-arm (openssl/openssl#17811): each key checks once that it works and
/// otherwise copies the keyed context per message.
///
/// `@unchecked Sendable`: `keyed` is only read (duplicated) under `lock`; a pooled context is used
/// by one caller at a time, taken out of `pool` and put back under its lock; all are freed in `deinit`.
public final class HMACSHA256Key: @unchecked Sendable {
    private let keyed: OpaquePointer
    private let lock = Mutex(())
    private let pool = Mutex<[PooledContext]>([])
    /// More idle contexts than threads that MAC at once would only hold memory.
    private let keptIdle = 16
    /// Whether `EVP_MAC_init` without a key restores the keyed state on this OpenSSL.
    let rearmsInPlace: Bool

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
        rearmsInPlace = Self.rearmsInPlace(context, key: key)
    }

    /// MACs a probe twice on one copy of the keyed context and compares with the one-shot HMAC.
    private static func rearmsInPlace(_ keyed: OpaquePointer, key: [UInt8]) -> Bool {
        guard let probe = EVP_MAC_CTX_dup(keyed) else { return false }
        defer { EVP_MAC_CTX_free(probe) }
        let message = Array("re-arm probe".utf8)
        let expected = HMACSHA256.authenticationCode(for: message, key: key)
        return (0..<2).allSatisfy { _ in
            message.withUnsafeBytes { HMACSHA256Session.authenticationCode(on: probe, rearming: true, $0) } == expected
        }
    }

    deinit {
        pool.withLock { $0.forEach { EVP_MAC_CTX_free($0.context) } }
        EVP_MAC_CTX_free(keyed)
    }

    public func authenticationCode(for message: [UInt8]) -> [UInt8] {
        session().authenticationCode(for: message)
    }

    public func authenticationCode(of message: UnsafeRawBufferPointer) -> [UInt8] {
        session().authenticationCode(of: message)
    }

    /// One context for many messages in a row (a feed page's ids): the pool's lock is taken once
    /// for them all instead of twice per message, where two threads MACing at once contended.
    public func session() -> HMACSHA256Session {
        HMACSHA256Session(key: self, context: takeContext())
    }

    func giveBack(_ context: OpaquePointer) {
        let kept = pool.withLock { idle in
            guard idle.count < keptIdle else { return false }
            idle.append(PooledContext(context: context))
            return true
        }
        if !kept { EVP_MAC_CTX_free(context) }
    }

    private func takeContext() -> OpaquePointer {
        if let pooled = pool.withLock({ $0.popLast() }) { return pooled.context }
        return copyOfKeyed()
    }

    /// A new context in the keyed state; the caller frees it (or gives it back).
    func copyOfKeyed() -> OpaquePointer {
        guard let context = lock.withLock({ _ in EVP_MAC_CTX_dup(keyed) }) else { fatalError("EVP_MAC_CTX_dup failed") }
        return context
    }
}

/// An idle keyed context in the pool. `@unchecked Sendable`: whoever takes one out of the pool
/// owns it alone until it gives it back, so it is never used from two threads at once.
private struct PooledContext: @unchecked Sendable {
    let context: OpaquePointer
}
