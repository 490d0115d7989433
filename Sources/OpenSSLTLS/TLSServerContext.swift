import COpenSSL
import OpenSSLCrypto
import Synchronization

/// A server `SSL_CTX` configured after Mozilla's "intermediate" profile, restricted to FIPS-approved
/// algorithms: TLS 1.2 and 1.3, ECDHE key exchange, AES-GCM only, X25519 and P-256, ALPN `http/1.1`,
/// no compression, no renegotiation, session resumption by cache and tickets.
///
/// `@unchecked Sendable`: the `SSL_CTX` is fully configured in `init` and never changed afterwards;
/// OpenSSL documents a configured context as safe to share between threads for `SSL_new`. The
/// ticket keys it calls back into change, but behind their own lock (`SessionTicketKeys`).
public final class TLSServerContext: @unchecked Sendable {
    /// TLS 1.2 suites: ECDHE with AES-GCM (CHACHA20 is left out because it is not FIPS-approved).
    public static let tls12CipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
    ].joined(separator: ":")
    public static let tls13CipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384"
    public static let groups = "X25519:P-256"

    let pointer: OpaquePointer
    let liveSessions = Atomic<Int>(0)
    /// Kept here: the ticket callback reaches it through the context's ex_data, unretained.
    public let ticketKeys: SessionTicketKeys

    /// `SSL` objects made from this context and not yet freed; the leak test watches it.
    public var liveSessionCount: Int { liveSessions.load(ordering: .relaxed) }

    /// - Parameters:
    ///   - certificateChainPath: PEM file, leaf first, then intermediates.
    ///   - privateKeyPath: PEM file with the leaf's private key.
    ///   - ticketKeys: the rotating session-ticket keys (tests pass their own to rotate them).
    public init(certificateChainPath: String, privateKeyPath: String, ticketKeys: SessionTicketKeys = SessionTicketKeys()) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw OpenSSLError.drain("SSL_CTX_new") }
        pointer = context
        self.ticketKeys = ticketKeys
        try configureProtocols()
        ticketKeys.install(on: context)
        try loadIdentity(certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath)
        SSL_CTX_set_alpn_select_cb(context, selectHTTP11, nil)
    }

    deinit { SSL_CTX_free(pointer) }

    private func configureProtocols() throws {
        try expect(shim_SSL_CTX_set_min_proto_version(pointer, TLS1_2_VERSION), "SSL_CTX_set_min_proto_version")
        try expect(shim_SSL_CTX_set_max_proto_version(pointer, TLS1_3_VERSION), "SSL_CTX_set_max_proto_version")
        try expect(SSL_CTX_set_cipher_list(pointer, Self.tls12CipherSuites), "SSL_CTX_set_cipher_list")
        try expect(SSL_CTX_set_ciphersuites(pointer, Self.tls13CipherSuites), "SSL_CTX_set_ciphersuites")
        try expect(shim_SSL_CTX_set1_groups_list(pointer, Self.groups), "SSL_CTX_set1_groups_list")
        SSL_CTX_set_options(pointer, shim_SSL_OP_NO_COMPRESSION | shim_SSL_OP_NO_RENEGOTIATION)
        _ = shim_SSL_CTX_set_mode(pointer, shim_SSL_MODE_RELEASE_BUFFERS)
        // No TLS 1.3 ticket at the end of the handshake: `OpenSSLServerHandler` asks for one that
        // leaves with the first response (one socket write instead of two). One instead of
        // OpenSSL's default two: a client resuming one connection at a time needs one, and each
        // ticket is an encryption and a record more (about 4% of a full handshake's server CPU here).
        _ = SSL_CTX_set_num_tickets(pointer, 0)
        // Resumption is by stateless tickets (TLS 1.2 and 1.3), so no session is stored here. An
        // internal cache cost TLS 1.2 handshakes an insert under a lock, and every 255th handshake a
        // walk of the whole table under a write lock (nginx's default, `ssl_session_cache none`, also stores nothing).
        _ = shim_SSL_CTX_set_session_cache_mode(pointer, shim_SSL_SESS_CACHE_SERVER | shim_SSL_SESS_CACHE_NO_INTERNAL | shim_SSL_SESS_CACHE_NO_AUTO_CLEAR)
        let sessionContext = Array("incentives".utf8)
        try expect(SSL_CTX_set_session_id_context(pointer, sessionContext, UInt32(sessionContext.count)),
                   "SSL_CTX_set_session_id_context")
    }

    private func loadIdentity(certificateChainPath: String, privateKeyPath: String) throws {
        try expect(SSL_CTX_use_certificate_chain_file(pointer, certificateChainPath),
                   "loading the certificate chain \(certificateChainPath)")
        try expect(SSL_CTX_use_PrivateKey_file(pointer, privateKeyPath, SSL_FILETYPE_PEM),
                   "loading the private key \(privateKeyPath)")
        try expect(SSL_CTX_check_private_key(pointer), "matching the private key to the certificate")
    }

    private func expect(_ result: Int32, _ operation: String) throws {
        guard result == 1 else { throw OpenSSLError.drain(operation) }
    }
}

/// ALPN selection: `http/1.1` when the client offers it; a client that offers only other
/// protocols gets the `no_application_protocol` alert (RFC 7301 §3.2). The selection points into
/// the client's list, which OpenSSL keeps alive for the duration of the callback.
private func selectHTTP11(
    _ ssl: OpaquePointer?,
    _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?,
    _ offered: UnsafePointer<UInt8>?,
    _ offeredLength: UInt32,
    _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let offered, let out, let outLength else { return SSL_TLSEXT_ERR_ALERT_FATAL }
    let wanted = Array("http/1.1".utf8)
    var index = 0
    while index < Int(offeredLength) {
        let length = Int(offered[index])
        let start = index + 1
        guard start + length <= Int(offeredLength) else { break }
        if length == wanted.count, (0..<length).allSatisfy({ offered[start + $0] == wanted[$0] }) {
            out.pointee = offered + start
            outLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        index = start + length
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL
}
