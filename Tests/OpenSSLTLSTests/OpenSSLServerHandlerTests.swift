import NIOCore
import NIOEmbedded
import OpenSSLTLS
import Testing

@Suite("OpenSSLServerHandler, step by step in EmbeddedChannels against NIOSSL")
struct OpenSSLServerHandlerTests {
    @Test("handshake negotiates http/1.1, then data flows both ways")
    func handshakeAndData() throws {
        let pair = try TLSPair()
        try pair.handshake()
        #expect(pair.serverEvents.userEvents.contains { $0.contains("handshakeCompleted") && $0.contains("http/1.1") })
        #expect(pair.context.liveSessionCount == 1)

        pair.client.writeAndFlush(ByteBuffer(string: "ping"), promise: nil)
        try pair.exchange()
        #expect(pair.serverEvents.receivedText == "ping")

        pair.server.write(ByteBuffer(string: "po"), promise: nil)
        let written = pair.server.writeAndFlush(ByteBuffer(string: "ng"))
        try pair.exchange()
        #expect(written.hasCompleted)
        #expect(pair.clientEvents.receivedText == "pong")
    }

    @Test("writes made before the handshake finishes are sent after it")
    func writesBeforeHandshake() throws {
        let pair = try TLSPair()
        try pair.connect()
        let early = pair.server.writeAndFlush(ByteBuffer(string: "early"))
        #expect(!early.hasCompleted)
        try pair.exchange()
        #expect(early.hasCompleted)
        #expect(pair.clientEvents.receivedText == "early")
    }

    @Test("a client that never finishes its handshake is dropped at the deadline")
    func handshakeDeadline() throws {
        let pair = try TLSPair(handshakeTimeout: .seconds(5))
        try pair.server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(pair.server.isActive)
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!pair.server.isActive)
        #expect(pair.serverEvents.errors.contains { "\($0)".contains("deadline") })
    }

    @Test("garbage instead of a ClientHello closes the connection with OpenSSL's reason")
    func garbage() throws {
        let pair = try TLSPair()
        try pair.server.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        try pair.server.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(!pair.server.isActive)
        let reasons = pair.serverEvents.errors.map { "\($0)" }.joined()
        #expect(reasons.contains("http request") || reasons.contains("wrong version"), "\(reasons)")
        #expect(pair.context.liveSessionCount == 0)
    }

    @Test("the peer's close_notify arrives as inputClosed, and we can still write")
    func peerCloseNotify() throws {
        let pair = try TLSPair()
        try pair.handshake()
        pair.client.close(promise: nil)  // NIOSSL sends close_notify first
        try pair.exchange()
        #expect(pair.serverEvents.userEvents.contains { $0.contains("inputClosed") })
        #expect(pair.server.isActive)
    }

    @Test("a full close sends close_notify and completes when the peer answers with its own")
    func fullCloseAnswered() throws {
        let pair = try TLSPair()
        try pair.handshake()
        let closed = pair.server.close()
        #expect(pair.server.isActive)  // waiting for the peer's close_notify
        try pair.exchange()            // the client answers close_notify with its own
        #expect(closed.hasCompleted)
        #expect(!pair.server.isActive)
        #expect(!pair.client.isActive)
    }

    @Test("a full close gives up waiting for the peer after the shutdown timeout")
    func fullCloseTimesOut() throws {
        let pair = try TLSPair(shutdownTimeout: .seconds(3))
        try pair.handshake()
        let closed = pair.server.close()
        _ = try pair.server.readOutbound(as: ByteBuffer.self)  // the close_notify, never delivered
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!closed.hasCompleted)
        pair.server.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(closed.hasCompleted)
        #expect(!pair.server.isActive)
    }

    @Test("closing output sends close_notify before the socket closes")
    func closeOutput() throws {
        let pair = try TLSPair()
        try pair.handshake()
        pair.server.writeAndFlush(ByteBuffer(string: "last words"), promise: nil)
        let alert = try #require(try pair.server.readOutbound(as: ByteBuffer.self))
        try pair.client.writeInbound(alert)
        pair.server.close(mode: .output, promise: nil)
        let closeNotify = try #require(try pair.server.readOutbound(as: ByteBuffer.self))
        try pair.client.writeInbound(closeNotify)
        #expect(pair.clientEvents.receivedText == "last words")
        #expect(!pair.client.isActive || pair.clientEvents.userEvents.contains { $0.contains("inputClosed") })
    }

    @Test("every OpenSSL session is freed when its channel goes away")
    func sessionsFreed() throws {
        let context: TLSServerContext
        do {
            let pair = try TLSPair()
            context = pair.context
            try pair.handshake()
            #expect(context.liveSessionCount == 1)
            try pair.closeBoth()
        }
        #expect(context.liveSessionCount == 0)
    }

    @Test("the TLS 1.3 session ticket leaves with the first response, in the same network write")
    func sessionTicketWithFirstResponse() throws {
        let pair = try TLSPair()
        try pair.handshake()
        #expect(try pair.server.readOutbound(as: ByteBuffer.self) == nil)  // nothing after the handshake alone
        pair.server.writeAndFlush(ByteBuffer(string: "first"), promise: nil)
        let first = try #require(try pair.server.readOutbound(as: ByteBuffer.self))
        #expect(try pair.server.readOutbound(as: ByteBuffer.self) == nil)
        #expect(Self.applicationDataRecords(in: first) == 2)  // the ticket, then the data (both type 23 in TLS 1.3)
        pair.server.writeAndFlush(ByteBuffer(string: "second"), promise: nil)
        let second = try #require(try pair.server.readOutbound(as: ByteBuffer.self))
        #expect(Self.applicationDataRecords(in: second) == 1)
        try pair.client.writeInbound(first)
        try pair.client.writeInbound(second)
        #expect(pair.clientEvents.receivedText == "firstsecond")
    }

    @Test("a first flush of empty writes asks for no ticket, so a full close still sends close_notify")
    func emptyFirstFlushThenClose() throws {
        let pair = try TLSPair()
        try pair.handshake()
        let flushed = pair.server.writeAndFlush(ByteBuffer())
        #expect(flushed.hasCompleted)
        let closed = pair.server.close()
        try pair.exchange()  // our close_notify out, the client's answer back
        #expect(closed.hasCompleted)
        #expect(!pair.server.isActive)
        #expect(!pair.client.isActive)
    }

    @Test("a write made from a written promise's callback goes out after it, and every promise completes")
    func writeFromPromiseCallback() throws {
        let pair = try TLSPair()
        try pair.handshake()
        let server = pair.server
        let first = server.writeAndFlush(ByteBuffer(string: "one,"))
        let second = server.eventLoop.makePromise(of: Void.self)
        first.assumeIsolated().whenSuccess {
            server.write(ByteBuffer(string: "two,"), promise: nil)
            server.writeAndFlush(ByteBuffer(string: "three"), promise: second)
        }
        let alsoFirst = server.eventLoop.makePromise(of: Void.self)
        server.writeAndFlush(ByteBuffer(string: ""), promise: alsoFirst)
        try pair.exchange()
        #expect(first.hasCompleted && second.futureResult.hasCompleted && alsoFirst.futureResult.hasCompleted)
        #expect(pair.clientEvents.receivedText == "one,two,three")
    }

    @Test("the writes of one flush leave as one TLS record")
    func oneRecordPerFlush() throws {
        let pair = try TLSPair()
        try pair.handshake()
        pair.server.writeAndFlush(ByteBuffer(string: "ticket"), promise: nil)  // the first write carries the session ticket
        try pair.client.writeInbound(try #require(try pair.server.readOutbound(as: ByteBuffer.self)))
        pair.server.write(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n"), promise: nil)
        pair.server.write(ByteBuffer(), promise: nil)
        let flushed = pair.server.writeAndFlush(ByteBuffer(string: "body"))
        let ciphertext = try #require(try pair.server.readOutbound(as: ByteBuffer.self))
        #expect(try pair.server.readOutbound(as: ByteBuffer.self) == nil)
        #expect(Self.applicationDataRecords(in: ciphertext) == 1)
        try pair.client.writeInbound(ciphertext)
        #expect(flushed.hasCompleted)
        #expect(pair.clientEvents.receivedText == "ticketHTTP/1.1 200 OK\r\n\r\nbody")
    }

    @Test("a full close waiting for the peer completes when a broken record ends the connection")
    func fullCloseEndedByBrokenRecord() throws {
        let pair = try TLSPair()
        try pair.handshake()
        let closed = pair.server.close()
        #expect(!closed.hasCompleted)  // waiting for the peer's close_notify
        try pair.server.writeInbound(ByteBuffer(bytes: [23, 3, 3, 0, 4, 1, 2, 3, 4]))  // undecryptable
        #expect(closed.hasCompleted)
        #expect(!pair.server.isActive)
    }

    /// TLS records of type application_data (23) in a run of ciphertext.
    static func applicationDataRecords(in ciphertext: ByteBuffer) -> Int {
        let bytes = Array(ciphertext.readableBytesView)
        var offset = 0
        var count = 0
        while offset + 5 <= bytes.count {
            if bytes[offset] == 23 { count += 1 }
            offset += 5 + (Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4]))
        }
        return count
    }
}
