import COpenSSL

/// Converts ECDSA P-256 signatures between OpenSSL's DER form and JWS's raw `r || s` (RFC 7518 §3.4).
public enum ECDSASignature {
    public static let rawByteCount = 64
    static let scalarByteCount = 32

    public static func raw(fromDER der: [UInt8]) throws -> [UInt8] {
        var cursor: UnsafePointer<UInt8>? = nil
        let signature: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            cursor = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let signature else { throw OpenSSLError.drain("d2i_ECDSA_SIG") }
        defer { ECDSA_SIG_free(signature) }
        var r: OpaquePointer? = nil
        var s: OpaquePointer? = nil
        ECDSA_SIG_get0(signature, &r, &s)
        var raw = [UInt8](repeating: 0, count: rawByteCount)
        let ok = raw.withUnsafeMutableBufferPointer { out in
            BN_bn2binpad(r, out.baseAddress, Int32(scalarByteCount)) == Int32(scalarByteCount)
                && BN_bn2binpad(s, out.baseAddress! + scalarByteCount, Int32(scalarByteCount)) == Int32(scalarByteCount)
        }
        guard ok else { throw OpenSSLError.drain("BN_bn2binpad") }
        return raw
    }

    /// Returns nil when `raw` is not 64 bytes; such a signature can never verify.
    public static func der(fromRaw raw: [UInt8]) -> [UInt8]? {
        guard raw.count == rawByteCount, let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let r = BN_bin2bn(raw, Int32(scalarByteCount), nil)
        let s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + scalarByteCount, Int32(scalarByteCount), nil) }
        guard let r, let s else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        guard ECDSA_SIG_set0(signature, r, s) == 1 else { return nil }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_ECDSA_SIG(signature, &cursor)
        }
        return der
    }
}
