import COpenSSL
import Foundation
import OpenSSLCrypto

/// A development CA and a server certificate for localhost, 127.0.0.1 and ::1, made with OpenSSL
/// on first run and renewed when near expiry. Keys are P-256 and written with mode 0600.
public struct DevelopmentCertificates: Sendable {
    public let directory: URL
    public var caCertificate: URL { directory.appendingPathComponent("dev-ca.pem") }
    public var caKey: URL { directory.appendingPathComponent("dev-ca.key") }
    public var serverCertificate: URL { directory.appendingPathComponent("server.pem") }
    public var serverKey: URL { directory.appendingPathComponent("server.key") }

    public static let serverLifetimeDays = 90
    public static let caLifetimeDays = 5 * 365
    public static let renewalWindowDays = 30
    public static let subjectAlternativeNames = "DNS:localhost,IP:127.0.0.1,IP:::1"

    public init(directory: URL) {
        self.directory = directory
    }

    public enum Outcome: Equatable, Sendable {
        case reused, created
    }

    /// Creates whatever is missing or expires within the renewal window; returns what it did.
    @discardableResult
    public func ensure(now: Date = Date()) throws -> Outcome {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let renewBefore = now.addingTimeInterval(Double(Self.renewalWindowDays) * 86_400)
        var authority = try? Self.loadIdentity(certificate: caCertificate, key: caKey)
        var created = false
        if authority.map({ !$0.isValid(through: renewBefore) }) ?? true {
            authority = try makeAuthority()
            created = true
        }
        let server = try? Self.loadIdentity(certificate: serverCertificate, key: serverKey)
        if created || server.map({ !$0.isValid(through: renewBefore) || !$0.isIssued(by: authority!) }) ?? true {
            try makeServerCertificate(authority: authority!)
            created = true
        }
        return created ? .created : .reused
    }

    private func makeAuthority() throws -> CertificateIdentity {
        let key = try PrivateKeyHandle.generateP256()
        let certificate = try CertificateBuilder(
            commonName: "Incentives Development CA", publicKey: key, lifetimeDays: Self.caLifetimeDays
        ).sign(issuer: nil, extensions: [
            (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
            (NID_key_usage, "critical,keyCertSign,cRLSign"),
            (NID_subject_key_identifier, "hash"),
        ])
        let identity = CertificateIdentity(certificate: certificate, key: key)
        try identity.write(certificate: caCertificate, key: caKey)
        return identity
    }

    private func makeServerCertificate(authority: CertificateIdentity) throws {
        let key = try PrivateKeyHandle.generateP256()
        let certificate = try CertificateBuilder(
            commonName: "localhost", publicKey: key, lifetimeDays: Self.serverLifetimeDays
        ).sign(issuer: authority, extensions: [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, "serverAuth"),
            (NID_subject_alt_name, Self.subjectAlternativeNames),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ])
        try CertificateIdentity(certificate: certificate, key: key).write(certificate: serverCertificate, key: serverKey)
    }

    static func loadIdentity(certificate: URL, key: URL) throws -> CertificateIdentity {
        CertificateIdentity(
            certificate: try CertificateHandle(pem: try Data(contentsOf: certificate)),
            key: try PrivateKeyHandle(pem: try Data(contentsOf: key)))
    }
}

/// A certificate with its private key.
struct CertificateIdentity {
    let certificate: CertificateHandle
    let key: PrivateKeyHandle

    func isValid(through date: Date) -> Bool {
        certificate.notAfter(isAfter: date) && X509_check_private_key(certificate.pointer, key.pointer) == 1
    }

    func isIssued(by authority: CertificateIdentity) -> Bool {
        X509_verify(certificate.pointer, authority.key.pointer) == 1
    }

    func write(certificate certificateURL: URL, key keyURL: URL) throws {
        try SecureFile.write(Data(try key.pem()), to: keyURL)
        try SecureFile.write(Data(try certificate.pem()), to: certificateURL, mode: 0o644)
    }
}

/// Owns an `X509*`.
final class CertificateHandle {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    convenience init(pem: Data) throws {
        let parsed = try MemoryBIO.reading(Array(pem)) { bio in
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else { throw OpenSSLError.drain("PEM_read_bio_X509") }
            return certificate
        }
        self.init(taking: parsed)
    }

    deinit { X509_free(pointer) }

    func pem() throws -> [UInt8] {
        try MemoryBIO.writing { bio in
            guard PEM_write_bio_X509(bio, pointer) == 1 else { throw OpenSSLError.drain("PEM_write_bio_X509") }
        }
    }

    func notAfter(isAfter date: Date) -> Bool {
        var time = time_t(date.timeIntervalSince1970)
        return X509_cmp_time(X509_get0_notAfter(pointer), &time) > 0
    }
}

/// Owns an `EVP_PKEY*`.
final class PrivateKeyHandle {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    static func generateP256() throws -> PrivateKeyHandle {
        guard let key = shim_EVP_EC_gen_P256() else { throw OpenSSLError.drain("EVP_EC_gen(P-256)") }
        return PrivateKeyHandle(taking: key)
    }

    convenience init(pem: Data) throws {
        let parsed = try MemoryBIO.reading(Array(pem)) { bio in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw OpenSSLError.drain("PEM_read_bio_PrivateKey") }
            return key
        }
        self.init(taking: parsed)
    }

    deinit { EVP_PKEY_free(pointer) }

    func pem() throws -> [UInt8] {
        try MemoryBIO.writing { bio in
            guard PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil) == 1 else {
                throw OpenSSLError.drain("PEM_write_bio_PrivateKey")
            }
        }
    }
}

/// Builds and signs one X.509 v3 certificate.
struct CertificateBuilder {
    let commonName: String
    let publicKey: PrivateKeyHandle
    let lifetimeDays: Int

    /// Signs with `issuer`, or self-signs when `issuer` is nil.
    func sign(issuer: CertificateIdentity?, extensions: [(Int32, String)]) throws -> CertificateHandle {
        guard let x509 = X509_new() else { throw OpenSSLError.drain("X509_new") }
        let certificate = CertificateHandle(taking: x509)
        try expect(X509_set_version(x509, 2), "X509_set_version")
        try setSerialNumber(x509)
        X509_gmtime_adj(X509_getm_notBefore(x509), -300)
        X509_time_adj_ex(X509_getm_notAfter(x509), Int32(lifetimeDays), 0, nil)
        try expect(X509_set_pubkey(x509, publicKey.pointer), "X509_set_pubkey")
        try setNames(x509, issuer: issuer)
        try addExtensions(extensions, to: x509, issuer: issuer?.certificate.pointer ?? x509)
        let signingKey = issuer?.key.pointer ?? publicKey.pointer
        guard X509_sign(x509, signingKey, EVP_sha256()) > 0 else { throw OpenSSLError.drain("X509_sign") }
        return certificate
    }

    private func setSerialNumber(_ x509: OpaquePointer) throws {
        let serial = BN_new()
        defer { BN_free(serial) }
        // 127 random bits: positive and within RFC 5280's 20-octet limit.
        guard BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
              BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x509)) != nil
        else { throw OpenSSLError.drain("serial number") }
    }

    private func setNames(_ x509: OpaquePointer, issuer: CertificateIdentity?) throws {
        guard let name = X509_NAME_new() else { throw OpenSSLError.drain("X509_NAME_new") }
        defer { X509_NAME_free(name) }
        try expect(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, "Incentives (development)", -1, -1, 0), "O")
        try expect(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0), "CN")
        try expect(X509_set_subject_name(x509, name), "X509_set_subject_name")
        let issuerName = issuer.map { X509_get_subject_name($0.certificate.pointer) } ?? name
        try expect(X509_set_issuer_name(x509, issuerName), "X509_set_issuer_name")
    }

    private func addExtensions(_ extensions: [(Int32, String)], to x509: OpaquePointer, issuer: OpaquePointer) throws {
        var context = X509V3_CTX()
        _ = shim_X509V3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuer, x509, nil, nil, 0)
        for (nid, value) in extensions {
            guard let extensionPointer = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw OpenSSLError.drain("X509V3_EXT_conf_nid(\(value))")
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            try expect(X509_add_ext(x509, extensionPointer, -1), "X509_add_ext")
        }
    }

    private func expect(_ result: Int32, _ operation: String) throws {
        guard result == 1 else { throw OpenSSLError.drain(operation) }
    }
}
