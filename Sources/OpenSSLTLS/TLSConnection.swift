import COpenSSL
import NIOCore
import OpenSSLCrypto
import Synchronization

/// One server-side TLS session on OpenSSL, driven through two memory BIOs: ciphertext from the
/// network is fed in, ciphertext for the network is taken out. Not thread-safe: it lives on its
/// channel's event loop.
final class TLSConnection {
    enum HandshakeResult {
        case complete
        case wantRead
        case failed(OpenSSLError)
    }

    enum ReadResult {
        case data(ByteBuffer)
        case wantRead
        case closeNotify
        case failed(OpenSSLError)
    }

    private static let readChunk = 16 * 1024
    private let ssl: OpaquePointer
    private let networkIn: OpaquePointer
    private let networkOut: OpaquePointer
    private let context: TLSServerContext

    init(context: TLSServerContext) throws {
        ERR_clear_error()
        guard let ssl = SSL_new(context.pointer) else { throw OpenSSLError.drain("SSL_new") }
        guard let networkIn = BIO_new(BIO_s_mem()), let networkOut = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLError.drain("BIO_new")
        }
        // An empty input BIO means "wait for more bytes", not end of stream.
        _ = shim_BIO_set_mem_eof_return(networkIn, -1)
        SSL_set_bio(ssl, networkIn, networkOut)
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.networkIn = networkIn
        self.networkOut = networkOut
        self.context = context
        context.liveSessions.add(1, ordering: .relaxed)
    }

    deinit {
        SSL_free(ssl)  // frees both BIOs too
        context.liveSessions.subtract(1, ordering: .relaxed)
    }

    func feed(_ ciphertext: ByteBuffer) {
        ciphertext.withUnsafeReadableBytes { bytes in
            guard bytes.count > 0 else { return }
            _ = BIO_write(networkIn, bytes.baseAddress, Int32(bytes.count))
        }
    }

    func handshake() -> HandshakeResult {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 { return .complete }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wantRead
        default: return .failed(OpenSSLError.drain("TLS handshake"))
        }
    }

    func read(allocator: ByteBufferAllocator) -> ReadResult {
        // Nothing buffered in OpenSSL and no ciphertext waiting: SSL_read could only say "want
        // read", so skip it and the allocation (the common last turn of every read loop).
        let buffered = Int(SSL_pending(ssl))
        let waiting = Int(BIO_ctrl_pending(networkIn))
        guard buffered > 0 || waiting > 0 else { return .wantRead }
        // Plaintext never exceeds what is buffered plus the ciphertext that carries it.
        let capacity = min(Self.readChunk, max(buffered, waiting))
        ERR_clear_error()
        var buffer = allocator.buffer(capacity: capacity)
        var status: Int32 = 1
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { bytes in
            var count = 0
            status = SSL_read_ex(ssl, bytes.baseAddress, bytes.count, &count)
            return status == 1 ? count : 0
        }
        if status == 1 { return .data(buffer) }
        switch SSL_get_error(ssl, status) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wantRead
        case SSL_ERROR_ZERO_RETURN: return .closeNotify
        default: return .failed(OpenSSLError.drain("TLS read"))
        }
    }

    func write(_ plaintext: ByteBuffer) throws {
        try plaintext.withUnsafeReadableBytes { bytes in
            guard bytes.count > 0 else { return }
            ERR_clear_error()
            var written = 0
            // Writes into a memory BIO never block, so one call consumes the whole buffer.
            guard SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &written) == 1, written == bytes.count else {
                throw OpenSSLError.drain("TLS write")
            }
        }
    }

    /// Asks for a TLS 1.3 session ticket, which OpenSSL writes just before the next application
    /// data (a TLS 1.2 ticket is part of the handshake itself).
    func requestSessionTicket() {
        guard SSL_version(ssl) == TLS1_3_VERSION else { return }
        _ = SSL_new_session_ticket(ssl)
    }

    /// Queues our close_notify; the peer's is awaited separately.
    func sendCloseNotify() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// Ciphertext waiting for the network, or nil when there is none.
    func takeNetworkBytes(allocator: ByteBufferAllocator) -> ByteBuffer? {
        let pending = Int(BIO_ctrl_pending(networkOut))
        guard pending > 0 else { return nil }
        var buffer = allocator.buffer(capacity: pending)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { bytes in
            Int(max(0, BIO_read(networkOut, bytes.baseAddress, Int32(pending))))
        }
        return buffer
    }

    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>? = nil
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }
}
