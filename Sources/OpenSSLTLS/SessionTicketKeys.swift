import COpenSSL
import OpenSSLCrypto
import Synchronization

/// The keys that encrypt and authenticate session tickets (TLS 1.2 and 1.3), rotated every
/// `rotationInterval` (12 hours by default): new tickets are sealed with the current key, and a
/// ticket sealed with the previous one still resumes (and is replaced by a fresh ticket), so a
/// ticket lives at most two intervals. OpenSSL's own ticket key is made once per `SSL_CTX` and
/// never changes, which would let one stolen key decrypt every resumed session of the process.
/// Keys come from the CSPRNG and never leave memory.
public final class SessionTicketKeys: Sendable {
    struct Key: Sendable {
        let name: [UInt8]
        let aes: [UInt8]
        let hmac: [UInt8]

        static func random() -> Key {
            Key(name: SecureRandom.bytes(16), aes: SecureRandom.bytes(32), hmac: SecureRandom.bytes(32))
        }
    }

    public static let defaultRotationInterval: Duration = .seconds(12 * 3600)

    let rotationInterval: Duration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<(current: Key, previous: Key?, since: ContinuousClock.Instant)>

    /// - Parameter now: the clock rotation is measured on; tests inject one.
    public init(rotationInterval: Duration = defaultRotationInterval,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.rotationInterval = rotationInterval
        clock = now
        state = Mutex((Key.random(), nil, now()))
    }

    /// Makes a new current key; the current one becomes the previous, the previous is dropped.
    public func rotate() {
        state.withLock { $0 = (Key.random(), $0.current, clock()) }
    }

    /// The key new tickets are sealed with, rotated first when it is older than the interval.
    func sealingKey() -> Key {
        state.withLock { state in
            let now = clock()
            let age = now - state.since
            // After an idle stretch of two intervals the current key is too old to open tickets too.
            if age >= rotationInterval * 2 {
                state = (Key.random(), nil, now)
            } else if age >= rotationInterval {
                state = (Key.random(), state.current, now)
            }
            return state.current
        }
    }

    /// The key named by a ticket, and whether it is the current one.
    func openingKey(named name: UnsafePointer<UInt8>) -> (key: Key, isCurrent: Bool)? {
        _ = sealingKey()  // an aged current key is previous by now
        return state.withLock { state in
            let matches = { (key: Key) in key.name.withUnsafeBufferPointer { CRYPTO_memcmp($0.baseAddress, name, 16) == 0 } }
            if matches(state.current) { return (state.current, true) }
            if let previous = state.previous, matches(previous) { return (previous, false) }
            return nil
        }
    }

    /// Installs the callback on `context`; `self` must outlive it (the owning `TLSServerContext` keeps it).
    func install(on context: OpaquePointer) {
        _ = SSL_CTX_set_ex_data(context, 0, Unmanaged.passUnretained(self).toOpaque())
        _ = SSL_CTX_set_tlsext_ticket_key_evp_cb(context, ticketKeyCallback)
    }
}

/// OpenSSL's ticket key callback: `encrypt` 1 seals a new ticket (fill in the name and IV), 0 opens
/// one (-1 error, 0 unknown key: full handshake, 1 ok, 2 ok but issue a fresh ticket).
private func ticketKeyCallback(
    _ ssl: OpaquePointer?, _ name: UnsafeMutablePointer<UInt8>?, _ iv: UnsafeMutablePointer<UInt8>?,
    _ cipher: OpaquePointer?, _ mac: OpaquePointer?, _ encrypt: Int32
) -> Int32 {
    guard let ssl, let name, let iv, let cipher, let mac, let context = SSL_get_SSL_CTX(ssl),
          let raw = SSL_CTX_get_ex_data(context, 0) else { return -1 }
    let keys = Unmanaged<SessionTicketKeys>.fromOpaque(raw).takeUnretainedValue()
    if encrypt == 1 {
        let key = keys.sealingKey()
        key.name.withUnsafeBufferPointer { name.update(from: $0.baseAddress!, count: 16) }
        guard RAND_bytes(iv, 16) == 1 else { return -1 }
        return seal(key, cipher: cipher, mac: mac, iv: iv, encrypt: 1) ? 1 : -1
    }
    guard let found = keys.openingKey(named: name) else { return 0 }
    guard seal(found.key, cipher: cipher, mac: mac, iv: iv, encrypt: 0) else { return -1 }
    return found.isCurrent ? 1 : 2
}

private func seal(_ key: SessionTicketKeys.Key, cipher: OpaquePointer, mac: OpaquePointer, iv: UnsafePointer<UInt8>, encrypt: Int32) -> Bool {
    var hmac = key.hmac
    return key.aes.withUnsafeBufferPointer { aes in
        hmac.withUnsafeMutableBufferPointer { hmac in
            shim_ticket_key_init(cipher, mac, aes.baseAddress, hmac.baseAddress, iv, encrypt) == 1
        }
    }
}
