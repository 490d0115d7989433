import COpenSSL

/// Moves bytes in and out of OpenSSL through memory `BIO`s (PEM and DER encoding, decoding).
public enum MemoryBIO {
    /// Calls `body` with a read-only `BIO` over `bytes`.
    public static func reading<Result>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> Result) throws -> Result {
        try bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw OpenSSLError.drain("BIO_new_mem_buf")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Calls `body` with an empty writable `BIO`, then returns what it wrote.
    public static func writing(_ body: (OpaquePointer) throws -> Void) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError.drain("BIO_new") }
        defer { BIO_free(bio) }
        try body(bio)
        return drain(bio)
    }

    /// Reads every pending byte out of `bio`.
    public static func drain(_ bio: OpaquePointer) -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(bio))
        guard pending > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: pending) { buffer, count in
            count = Int(max(0, BIO_read(bio, buffer.baseAddress, Int32(pending))))
        }
    }
}
