import Metrics
import NIOCore
import NIOTLS
import OpenSSLCrypto

/// Runs the server side of TLS on OpenSSL inside a NIO pipeline: ciphertext below, plaintext above.
///
/// States: `idle` until the channel is active, `handshaking` under a deadline, `active`, then the
/// half-closed states `inputClosed` (the peer finished: close_notify or TCP FIN) and `outputClosed`
/// (we sent close_notify after `close(mode: .output)`), `closing` (we sent close_notify for a full
/// close and wait, under a timeout, for the peer's) and `closed`.
public final class OpenSSLServerHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case handshaking(deadline: Scheduled<Void>)
        case active
        case inputClosed
        case outputClosed
        case closing(timeout: Scheduled<Void>, promise: EventLoopPromise<Void>?)
        case closed
    }

    private let tlsContext: TLSServerContext
    private let handshakeTimeout: TimeAmount
    private let shutdownTimeout: TimeAmount
    private var connection: TLSConnection?
    private var state = State.idle
    private typealias PendingWrite = (data: ByteBuffer, promise: EventLoopPromise<Void>?)
    private var pendingWrites: [PendingWrite] = []
    private var writesInFlight: [PendingWrite] = []
    private var recordBuffer: ByteBuffer
    private var flushAfterHandshake = false
    /// The session ticket goes out with the first response, in the same socket write.
    private var sessionTicketOwed = false
    private var readsSinceReadComplete = false

    public init(context: TLSServerContext, handshakeTimeout: TimeAmount, shutdownTimeout: TimeAmount) {
        self.tlsContext = context
        self.handshakeTimeout = handshakeTimeout
        self.shutdownTimeout = shutdownTimeout
        self.recordBuffer = ByteBuffer()
    }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startHandshake(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        startHandshake(context: context)
        context.fireChannelActive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        becomeClosed(error: ChannelError.ioOnClosedChannel)?.fail(ChannelError.ioOnClosedChannel)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        becomeClosed(error: ChannelError.ioOnClosedChannel)?.succeed()
        context.fireChannelInactive()
    }

    private func startHandshake(context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        do {
            connection = try TLSConnection(context: tlsContext)
        } catch {
            context.fireErrorCaught(error)
            closeNow(context: context)
            return
        }
        let deadline = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) { [self] in
            guard case .handshaking = state else { return }
            Self.countHandshakeFailure(reason: "timeout")
            context.fireErrorCaught(TLSHandlerError.handshakeTimedOut)
            closeNow(context: context)
        }
        state = .handshaking(deadline: deadline)
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection else { return }
        switch state {
        case .idle, .closed, .inputClosed:
            return
        case .handshaking, .active, .outputClosed, .closing:
            connection.feed(unwrapInboundIn(data))
        }
        if case .handshaking = state { continueHandshake(context: context) }
        decodeApplicationData(context: context)
        writeNetworkBytes(context: context)
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        writeNetworkBytes(context: context)
        if readsSinceReadComplete {
            readsSinceReadComplete = false
            context.fireChannelReadComplete()
        }
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // TCP FIN from the peer, with or without a close_notify before it.
        switch state {
        case .idle, .handshaking, .outputClosed:
            closeNow(context: context)
        case .active:
            state = .inputClosed
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        case .closing(let timeout, let promise):
            timeout.cancel()
            state = .closed
            context.close(promise: promise)
        case .inputClosed, .closed:
            break
        }
    }

    private func continueHandshake(context: ChannelHandlerContext) {
        guard case .handshaking(let deadline) = state, let connection else { return }
        switch connection.handshake() {
        case .wantRead:
            return
        case .complete:
            deadline.cancel()
            state = .active
            sessionTicketOwed = true
            context.fireUserInboundEventTriggered(
                TLSUserEvent.handshakeCompleted(negotiatedProtocol: connection.negotiatedProtocol))
            if flushAfterHandshake {
                flushAfterHandshake = false
                encryptPendingWrites(context: context)
            }
        case .failed(let error):
            writeNetworkBytes(context: context)  // the alert, if OpenSSL produced one
            Self.countHandshakeFailure(reason: "protocol")
            context.fireErrorCaught(TLSHandlerError.handshakeFailed(error))
            closeNow(context: context)
        }
    }

    private func decodeApplicationData(context: ChannelHandlerContext) {
        while let connection {
            switch state {
            case .active, .outputClosed, .closing: break
            case .idle, .handshaking, .inputClosed, .closed: return
            }
            switch connection.read(allocator: context.channel.allocator) {
            case .data(let plaintext):
                if case .closing = state { continue }  // we are closing: only close_notify matters
                readsSinceReadComplete = true
                context.fireChannelRead(wrapInboundOut(plaintext))
            case .wantRead:
                return
            case .closeNotify:
                peerSentCloseNotify(context: context)
                return
            case .failed(let error):
                context.fireErrorCaught(TLSHandlerError.readFailed(error))
                closeNow(context: context)
                return
            }
        }
    }

    private func peerSentCloseNotify(context: ChannelHandlerContext) {
        switch state {
        case .active:
            state = .inputClosed
            if readsSinceReadComplete {
                readsSinceReadComplete = false
                context.fireChannelReadComplete()
            }
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        case .outputClosed:
            closeNow(context: context)
        case .closing(let timeout, let promise):
            timeout.cancel()
            state = .closed
            context.close(promise: promise)
        case .idle, .handshaking, .inputClosed, .closed:
            break
        }
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch state {
        case .idle, .handshaking, .active, .inputClosed:
            pendingWrites.append((unwrapOutboundIn(data), promise))
        case .outputClosed, .closing:
            promise?.fail(ChannelError.outputClosed)
        case .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        switch state {
        case .idle, .handshaking:
            flushAfterHandshake = true
        case .active, .inputClosed:
            encryptPendingWrites(context: context)
        case .outputClosed, .closing, .closed:
            break
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch mode {
        case .input:
            context.close(mode: .input, promise: promise)
        case .output:
            closeOutput(context: context, promise: promise)
        case .all:
            closeAll(context: context, promise: promise)
        }
    }

    private func closeOutput(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch state {
        case .active:
            state = .outputClosed
            sendCloseNotify(context: context).assumeIsolated().whenComplete { _ in
                context.close(mode: .output, promise: promise)
            }
        case .inputClosed:
            // Both directions are finished: a full close.
            closeAll(context: context, promise: promise)
        case .idle, .handshaking:
            closeNow(context: context, promise: promise)
        case .outputClosed, .closing, .closed:
            context.close(mode: .output, promise: promise)
        }
    }

    private func closeAll(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        switch state {
        case .active, .outputClosed:
            let alreadySent: Bool
            if case .outputClosed = state { alreadySent = true } else { alreadySent = false }
            let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: shutdownTimeout) { [self] in
                guard case .closing(_, let promise) = state else { return }
                state = .closed
                context.close(promise: promise)
            }
            state = .closing(timeout: timeout, promise: promise)
            if !alreadySent { _ = sendCloseNotify(context: context) }
        case .inputClosed:
            // The peer is done sending, so there is no close_notify to wait for.
            state = .closed
            sendCloseNotify(context: context).assumeIsolated().whenComplete { _ in
                context.close(promise: promise)
            }
        case .closing(let timeout, let existing):
            if let promise {
                if let existing { existing.futureResult.cascade(to: promise) } else {
                    state = .closing(timeout: timeout, promise: promise)
                }
            }
        case .idle, .handshaking, .closed:
            closeNow(context: context, promise: promise)
        }
    }

    // MARK: Plumbing

    private func encryptPendingWrites(context: ChannelHandlerContext) {
        guard let connection, !pendingWrites.isEmpty else { return }
        // Swap the queue with its spare (neither array gives up its storage), and empty the spare
        // before anything leaves: a promise's callback may write and flush again from inside
        // the network write.
        swap(&pendingWrites, &writesInFlight)
        // Only with bytes to write: a ticket asked for puts OpenSSL back into handshake state until
        // the next write carries it, and in that state it would not send a close_notify.
        if sessionTicketOwed, writesInFlight.contains(where: { $0.data.readableBytes > 0 }) {
            sessionTicketOwed = false
            connection.requestSessionTicket()
        }
        let promise: EventLoopPromise<Void>?
        do {
            try encryptAsRecords(writesInFlight, with: connection)
            promise = Self.combinedPromise(of: writesInFlight)
            writesInFlight.removeAll(keepingCapacity: true)
        } catch {
            let failed = writesInFlight
            writesInFlight.removeAll()
            for write in failed { write.promise?.fail(error) }
            context.fireErrorCaught(TLSHandlerError.writeFailed(error))
            closeNow(context: context)
            return
        }
        writeNetworkBytes(context: context, promise: promise)
    }

    /// One promise that completes every write's: most writes come without one, and then the
    /// network write needs none either.
    private static func combinedPromise(of writes: [PendingWrite]) -> EventLoopPromise<Void>? {
        var combined: EventLoopPromise<Void>?
        for case let promise? in writes.lazy.map(\.promise) {
            if let combined { combined.futureResult.cascade(to: promise) } else { combined = promise }
        }
        return combined
    }

    /// The writes of one flush that fit in one TLS record are joined, so a response's head and
    /// body go out as one record (one encryption) instead of one each.
    private func encryptAsRecords(_ writes: [PendingWrite], with connection: TLSConnection) throws {
        let total = writes.reduce(0) { $0 + $1.data.readableBytes }
        guard writes.count > 1, total <= Self.maximumRecordPlaintext else {
            for write in writes { try connection.write(write.data) }
            return
        }
        // Joined in a buffer of this handler's own, cleared and reused, so the usual small response
        // allocates nothing; one grown past `keptRecordCapacity` is let go, so an idle connection
        // holds little (the reason for SSL_MODE_RELEASE_BUFFERS too).
        recordBuffer.clear()
        for write in writes { recordBuffer.writeImmutableBuffer(write.data) }
        try connection.write(recordBuffer)
        if recordBuffer.capacity > Self.keptRecordCapacity { recordBuffer = ByteBuffer() }
    }

    private static let keptRecordCapacity = 4_096

    /// TLS's largest record payload (RFC 8446 §5.1).
    private static let maximumRecordPlaintext = 16_384

    /// Sends whatever ciphertext OpenSSL produced, completing `promise` when the network took it
    /// (at once when there was nothing to send).
    private func writeNetworkBytes(context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        guard let bytes = connection?.takeNetworkBytes(allocator: context.channel.allocator) else {
            promise?.succeed()
            return
        }
        context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
    }

    private func sendCloseNotify(context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        encryptPendingWrites(context: context)
        connection?.sendCloseNotify()
        let sent = context.eventLoop.makePromise(of: Void.self)
        writeNetworkBytes(context: context, promise: sent)
        return sent.futureResult
    }

    private static func countHandshakeFailure(reason: String) {
        Counter(label: "incentives_tls_handshake_failures_total", dimensions: [("reason", reason)]).increment()
    }

    /// Closes the socket at once, without close_notify (handshake failures, deadlines, errors).
    private func closeNow(context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        if case .closed = state, promise == nil { return }
        // A full close that was waiting for the peer's close_notify completes with this one.
        guard let waitingClose = becomeClosed(error: ChannelError.ioOnClosedChannel) else {
            return context.close(promise: promise)
        }
        if let promise { waitingClose.futureResult.cascade(to: promise) }
        context.close(promise: waitingClose)
    }

    /// Fails the writes still queued and returns the promise of a full close that was waiting for
    /// the peer's close_notify, for the caller to complete.
    @discardableResult
    private func becomeClosed(error: any Error) -> EventLoopPromise<Void>? {
        var waitingClose: EventLoopPromise<Void>?
        switch state {
        case .handshaking(let deadline): deadline.cancel()
        case .closing(let timeout, let promise): timeout.cancel(); waitingClose = promise
        case .idle, .active, .inputClosed, .outputClosed, .closed: break
        }
        state = .closed
        connection = nil
        let writes = pendingWrites
        pendingWrites.removeAll()
        for write in writes { write.promise?.fail(error) }
        return waitingClose
    }
}

/// Why the TLS handler closed a connection.
public enum TLSHandlerError: Error, CustomStringConvertible {
    case handshakeTimedOut
    case handshakeFailed(OpenSSLError)
    case readFailed(OpenSSLError)
    case writeFailed(any Error)

    public var description: String {
        switch self {
        case .handshakeTimedOut: "TLS handshake deadline passed"
        case .handshakeFailed(let error): "\(error)"
        case .readFailed(let error): "\(error)"
        case .writeFailed(let error): "TLS write failed: \(error)"
        }
    }
}
