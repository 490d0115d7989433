import COpenSSL

/// One keyed context of an `HMACSHA256Key`, held for a run of messages and given back to the
/// key's pool when the session ends. Not `Sendable`: one caller uses it at a time.
public final class HMACSHA256Session {
    private let key: HMACSHA256Key
    private let context: OpaquePointer

    init(key: HMACSHA256Key, context: OpaquePointer) {
        self.key = key
        self.context = context
    }

    deinit { key.giveBack(context) }

    public func authenticationCode(for message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes(authenticationCode(of:))
    }

    public func authenticationCode(of message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: SHA256.byteCount) { mac, written in
            authenticationCode(of: message, into: UnsafeMutableRawBufferPointer(mac))
            written = SHA256.byteCount
        }
    }

    /// MACs `message` into the first 32 bytes of `mac`, for callers that MAC many short
    /// messages and keep only part of each code (pairwise ids): no array per code.
    public func authenticationCode(of message: UnsafeRawBufferPointer, into mac: UnsafeMutableRawBufferPointer) {
        if key.rearmsInPlace { return Self.authenticationCode(on: context, rearming: true, message, into: mac) }
        let fresh = key.copyOfKeyed()
        defer { EVP_MAC_CTX_free(fresh) }
        Self.authenticationCode(on: fresh, rearming: false, message, into: mac)
    }

    static func authenticationCode(on context: OpaquePointer, rearming: Bool, _ message: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: SHA256.byteCount) { mac, written in
            authenticationCode(on: context, rearming: rearming, message, into: UnsafeMutableRawBufferPointer(mac))
            written = SHA256.byteCount
        }
    }

    /// MACs `message` on `context`, which is in the keyed state or, with `rearming`, is brought
    /// back to it first (without a key, init restores the key's prepared state in place).
    static func authenticationCode(on context: OpaquePointer, rearming: Bool, _ message: UnsafeRawBufferPointer,
                                   into mac: UnsafeMutableRawBufferPointer) {
        precondition(mac.count >= SHA256.byteCount, "room for an HMAC-SHA-256")
        var length = 0
        let rearmed = rearming ? EVP_MAC_init(context, nil, 0, nil) : 1
        let updated = EVP_MAC_update(context, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        let finished = EVP_MAC_final(context, mac.baseAddress?.assumingMemoryBound(to: UInt8.self), &length, mac.count)
        precondition(rearmed == 1 && updated == 1 && finished == 1 && length == SHA256.byteCount, "HMAC-SHA-256 failed")
    }
}
