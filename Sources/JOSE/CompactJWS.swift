public import Foundation
public import OpenSSLCrypto

/// A small, strict compact JWS (RFC 7515) for ES256 only: `alg` must be on the allow-list (no
/// `none`, no HMAC keyed with a public key), `kid` must name a known key (no fallback), `typ`
/// must match, no `crit` (we understand no extension), and the signature is raw `r || s` verified
/// by OpenSSL.
public enum CompactJWS {
    public static let algorithm = "ES256"

    public static func sign(payload: Data, key: ES256PrivateKey, kid: String, typ: String) throws -> String {
        let header = try JSONEncoder().encode(JWSHeader(alg: algorithm, kid: kid, typ: typ))
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Verifies `token` and returns its header and payload bytes.
    /// - Parameters:
    ///   - key: the public key for a `kid`, or nil when the `kid` is unknown.
    ///   - typ: the required `typ`, compared as a media type (RFC 7515 §4.1.9: case-insensitive,
    ///     `at+jwt` and `application/at+jwt` are the same type).
    public static func verify(
        _ token: String, typ: String, key: (String) -> ES256PublicKey?
    ) throws(JWSError) -> (header: JWSHeader, payload: Data) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 8192, parts.count == 3,
              let headerBytes = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2])
        else { throw .malformed }
        guard let header = try? JSONDecoder().decode(JWSHeader.self, from: Data(headerBytes)) else { throw .malformed }
        guard header.alg == algorithm else { throw .unsupportedAlgorithm(header.alg) }
        guard let given = header.typ, mediaType(given) == mediaType(typ) else { throw .wrongType }
        // RFC 7515 §4.1.11: a token naming extensions we do not implement must be refused.
        guard header.crit == nil else { throw .unsupportedCriticalHeader }
        guard let kid = header.kid, let publicKey = key(kid) else { throw .unknownKey }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard publicKey.isValidSignature(signature, for: signingInput) else { throw .badSignature }
        return (header, Data(payload))
    }

    /// RFC 7515 §4.1.9: a `typ` without a '/' means the same as with `application/` before it.
    static func mediaType(_ typ: String) -> String {
        let lowered = typ.lowercased()
        return lowered.contains("/") ? lowered : "application/" + lowered
    }
}

public enum JWSError: Error, Equatable, Sendable {
    case malformed
    case unsupportedAlgorithm(String)
    case wrongType
    case unsupportedCriticalHeader
    case unknownKey
    case badSignature
}
