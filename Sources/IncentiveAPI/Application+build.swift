import Foundation
public import Hummingbird
import Logging
import NIOCore
import HummingbirdCore
import OpenSSLTLS

public typealias AppRequestContext = BasicRequestContext

/// The composition root: `serve`, the tests and the benchmarks all build the service here.
/// - Parameter onServerRunning: called with the bound port once the server accepts connections.
public func buildApplication(
    configuration: AppConfiguration,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "incentives")
    logger.logLevel = configuration.logLevel
    try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
    return Application(
        router: buildRouter(configuration: configuration),
        server: try buildServer(configuration: configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "incentives"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

func buildServer(configuration: AppConfiguration) throws -> HTTPServerBuilder {
    if configuration.servesPlainHTTPForBenchmarks { return .http1() }
    let tls = TLSServerConfiguration(
        context: try TLSMaterial.serverContext(for: configuration),
        handshakeTimeout: .seconds(Int64(configuration.handshakeTimeoutSeconds)),
        maximumConnections: configuration.maximumConnections)
    return .http1OverOpenSSL(tls: tls)
}

func buildRouter(configuration: AppConfiguration) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(usesDevelopmentCertificate: configuration.usesDevelopmentCertificate))
    HealthController().addRoutes(to: router)
    if configuration.enablesTestRoutes { TestRoutesController().addRoutes(to: router) }
    return router
}
