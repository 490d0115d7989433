public import HummingbirdCore
public import Logging
public import NIOCore

/// Settings of the TLS layer shared by every connection of a server.
public struct TLSServerConfiguration: Sendable {
    public var context: TLSServerContext
    /// A client that has not finished its handshake by then is dropped (silent or dribbling clients).
    public var handshakeTimeout: TimeAmount
    /// How long a full close waits for the peer's close_notify.
    public var shutdownTimeout: TimeAmount
    public var connectionLimiter: ConnectionLimiter

    public init(
        context: TLSServerContext,
        handshakeTimeout: TimeAmount = .seconds(5),
        shutdownTimeout: TimeAmount = .seconds(3),
        maximumConnections: Int = 16_384
    ) {
        self.context = context
        self.handshakeTimeout = handshakeTimeout
        self.shutdownTimeout = shutdownTimeout
        self.connectionLimiter = ConnectionLimiter(maximum: maximumConnections)
    }
}

/// Wraps a Hummingbird child channel in TLS on OpenSSL, where `HummingbirdTLS.TLSChannel` would use NIOSSL.
public struct OpenSSLTLSChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    public typealias Value = BaseChannel.Value

    let baseChannel: BaseChannel
    let configuration: TLSServerConfiguration

    public init(_ baseChannel: BaseChannel, configuration: TLSServerConfiguration) {
        self.baseChannel = baseChannel
        self.configuration = configuration
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limiter = configuration.connectionLimiter
        guard limiter.tryAcquire() else {
            logger.warning("Connection refused: \(limiter.maximum) connections are open")
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionLimitReached())
        }
        channel.closeFuture.whenComplete { _ in limiter.release() }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                OpenSSLServerHandler(
                    context: configuration.context,
                    handshakeTimeout: configuration.handshakeTimeout,
                    shutdownTimeout: configuration.shutdownTimeout
                )
            )
        }.flatMap {
            baseChannel.setup(channel: channel, logger: logger)
        }
    }

    public func handle(value: BaseChannel.Value, logger: Logger) async {
        await baseChannel.handle(value: value, logger: logger)
    }
}

extension OpenSSLTLSChannel: HTTPChannelHandler where BaseChannel: HTTPChannelHandler {
    public var responder: HTTPChannelHandler.Responder { baseChannel.responder }
}

public struct ConnectionLimitReached: Error {}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS on the system OpenSSL.
    public static func http1OverOpenSSL(
        _ http1: HTTP1Channel.Configuration = .init(),
        tls: TLSServerConfiguration
    ) -> HTTPServerBuilder {
        .init { responder in
            OpenSSLTLSChannel(HTTP1Channel(responder: responder, configuration: http1), configuration: tls)
        }
    }
}
