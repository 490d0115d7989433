import COpenSSL
import NIOCore
@testable import OpenSSLTLS
import Synchronization
import Testing

/// TLS 1.2 resumption against our server context with a plain OpenSSL client, both on memory BIOs,
/// bytes moved by hand: a ticket outlives one rotation of the ticket keys, not two.
@Suite("Session ticket keys rotate; the previous key still opens tickets")
struct SessionTicketRotationTests {
    /// A client `SSL` on two memory BIOs, TLS 1.2 only (its ticket arrives within the handshake).
    final class Client {
        let context: OpaquePointer
        let ssl: OpaquePointer
        let input: OpaquePointer
        let output: OpaquePointer

        init(session: OpaquePointer? = nil) {
            context = SSL_CTX_new(TLS_client_method())!
            _ = shim_SSL_CTX_set_max_proto_version(context, TLS1_2_VERSION)
            ssl = SSL_new(context)!
            input = BIO_new(BIO_s_mem())!
            output = BIO_new(BIO_s_mem())!
            _ = shim_BIO_set_mem_eof_return(input, -1)
            SSL_set_bio(ssl, input, output)
            SSL_set_connect_state(ssl)
            if let session { _ = SSL_set_session(ssl, session) }
        }

        deinit {
            // Freed without a shutdown, OpenSSL would take the session for a bad one and mark it
            // not resumable; a quiet shutdown ends it cleanly without sending anything.
            SSL_set_quiet_shutdown(ssl, 1)
            _ = SSL_shutdown(ssl)
            SSL_free(ssl)
            SSL_CTX_free(context)
        }

        func take() -> ByteBuffer {
            var buffer = ByteBuffer()
            let pending = Int(BIO_ctrl_pending(output))
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: max(pending, 1)) { Int(max(0, BIO_read(output, $0.baseAddress, Int32(pending)))) }
            return buffer
        }
    }

    final class Elapsed: Sendable {
        let value = Mutex<Duration>(.zero)
    }

    static func certificates() throws -> DevelopmentCertificates { TLSPair.certificates }

    /// Runs a full exchange; returns the client's session (with its ticket) and whether it resumed.
    static func connect(_ context: TLSServerContext, resuming session: OpaquePointer? = nil) throws -> (session: OpaquePointer, resumed: Bool) {
        let client = Client(session: session)
        let server = try TLSConnection(context: context)
        var serverDone = false
        for _ in 0..<10 {
            let clientResult = SSL_do_handshake(client.ssl)
            server.feed(client.take())
            if case .complete = server.handshake() { serverDone = true }
            if let bytes = server.takeNetworkBytes(allocator: ByteBufferAllocator()) {
                bytes.withUnsafeReadableBytes { _ = BIO_write(client.input, $0.baseAddress, Int32($0.count)) }
            }
            if clientResult == 1, serverDone { break }
        }
        #expect(serverDone)
        let resumed = shim_SSL_session_reused(client.ssl) == 1
        return (SSL_get1_session(client.ssl)!, resumed)
    }

    static func context(_ keys: SessionTicketKeys) throws -> TLSServerContext {
        let certificates = try certificates()
        return try TLSServerContext(certificateChainPath: certificates.serverCertificate.path,
                                    privateKeyPath: certificates.serverKey.path, ticketKeys: keys)
    }

    @Test("a ticket resumes after one rotate(), not after two")
    func explicitRotation() throws {
        let keys = SessionTicketKeys()
        let context = try Self.context(keys)
        let first = try Self.connect(context)
        defer { SSL_SESSION_free(first.session) }
        #expect(!first.resumed)
        let again = try Self.connect(context, resuming: first.session)
        defer { SSL_SESSION_free(again.session) }
        #expect(again.resumed)

        keys.rotate()
        let afterOne = try Self.connect(context, resuming: first.session)
        defer { SSL_SESSION_free(afterOne.session) }
        #expect(afterOne.resumed, "the previous key still opens the ticket")

        keys.rotate()
        let afterTwo = try Self.connect(context, resuming: first.session)
        defer { SSL_SESSION_free(afterTwo.session) }
        #expect(!afterTwo.resumed, "a ticket sealed two keys ago no longer opens")
    }

    @Test("the key rotates by age on the injected clock: one interval still resumes, two do not")
    func rotationByAge() throws {
        let start = ContinuousClock.now
        let elapsed = Elapsed()
        let keys = SessionTicketKeys(rotationInterval: .seconds(3600), now: { start + elapsed.value.withLock { $0 } })
        let context = try Self.context(keys)
        let first = try Self.connect(context)
        defer { SSL_SESSION_free(first.session) }

        elapsed.value.withLock { $0 = .seconds(3601) }
        let afterOne = try Self.connect(context, resuming: first.session)
        defer { SSL_SESSION_free(afterOne.session) }
        #expect(afterOne.resumed)

        elapsed.value.withLock { $0 = .seconds(7202) }
        let afterTwo = try Self.connect(context, resuming: first.session)
        defer { SSL_SESSION_free(afterTwo.session) }
        #expect(!afterTwo.resumed)
    }
}
