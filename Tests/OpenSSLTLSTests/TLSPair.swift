import Foundation
import NIOCore
import NIOEmbedded
import NIOSSL
import OpenSSLTLS

/// Our server handler and a NIOSSL (BoringSSL) client, each in an `EmbeddedChannel`, with the
/// bytes between them moved by hand: every step is exact and needs no socket or clock.
final class TLSPair {
    let server: EmbeddedChannel
    let client: EmbeddedChannel
    let serverEvents = EventRecorder()
    let clientEvents = EventRecorder()
    let context: TLSServerContext

    static let certificates: DevelopmentCertificates = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-pair-\(UUID().uuidString)")
        let certificates = DevelopmentCertificates(directory: folder)
        try! certificates.ensure()
        return certificates
    }()

    init(handshakeTimeout: TimeAmount = .seconds(5), shutdownTimeout: TimeAmount = .seconds(3)) throws {
        let certificates = Self.certificates
        context = try TLSServerContext(
            certificateChainPath: certificates.serverCertificate.path, privateKeyPath: certificates.serverKey.path)
        server = EmbeddedChannel()
        try server.pipeline.syncOperations.addHandler(
            OpenSSLServerHandler(context: context, handshakeTimeout: handshakeTimeout, shutdownTimeout: shutdownTimeout))
        try server.pipeline.syncOperations.addHandler(serverEvents)

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(certificates.caCertificate.path)
        tls.applicationProtocols = ["http/1.1"]
        client = EmbeddedChannel()
        try client.pipeline.syncOperations.addHandler(
            try NIOSSLClientHandler(context: NIOSSLContext(configuration: tls), serverHostname: "localhost"))
        try client.pipeline.syncOperations.addHandler(clientEvents)
    }

    func connect() throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try server.connect(to: address).wait()
        try client.connect(to: address).wait()
    }

    /// Moves bytes both ways until neither side has anything more to send.
    func exchange() throws {
        var moved = true
        while moved {
            moved = false
            // A side that just closed may still hold its close_notify: deliver it all the same.
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                if server.isActive { try server.writeInbound(bytes) }
                moved = true
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                if client.isActive { try client.writeInbound(bytes) }
                moved = true
            }
        }
    }

    /// Closes both sides the way a connection ends: close_notify answered, channels gone.
    func closeBoth() throws {
        server.close(promise: nil)
        try exchange()
        server.embeddedEventLoop.run()
        client.embeddedEventLoop.run()
    }

    func handshake() throws {
        try connect()
        try exchange()
    }
}

/// Records what reaches the end of a pipeline.
final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var received = ByteBuffer()
    var userEvents: [String] = []
    var errors: [any Error] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received.writeBuffer(&buffer)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        userEvents.append(String(describing: event))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        errors.append(error)
    }

    var receivedText: String { String(buffer: received) }
}

extension EventLoopFuture {
    /// Whether an EmbeddedEventLoop future has completed; `wait()` would block forever if not.
    var hasCompleted: Bool {
        var completed = false
        // Embedded loops run callbacks on the test's thread, so the isolated form fits.
        assumeIsolated().whenComplete { _ in completed = true }
        return completed
    }
}
