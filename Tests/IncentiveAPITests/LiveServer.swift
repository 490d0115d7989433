import AsyncHTTPClient
import Foundation
import IncentiveAPI
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Hummingbird
import OpenSSLTLS

/// The real service on a real socket (port 0) with fresh data and dev certificates in a
/// temporary folder, and an AsyncHTTPClient (BoringSSL, an independent TLS stack) that trusts
/// the dev CA.
struct LiveServer {
    let baseURL: String
    let folder: URL
    var caPath: String { folder.appendingPathComponent("certs/dev-ca.pem").path }

    static func with(
        configure: (inout AppConfiguration) -> Void = { _ in },
        _ body: @Sendable (LiveServer) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("incentives-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = AppConfiguration()
        configuration.port = 0
        configuration.dataDirectory = folder.appendingPathComponent("data")
        configuration.certificatesDirectory = folder.appendingPathComponent("certs")
        configuration.enablesTestRoutes = true
        configuration.logLevel = .warning
        configure(&configuration)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = try await buildApplication(configuration: configuration) { port in portContinuation.yield(port) }
        try await run(app, ports: ports) { port in
            try await body(LiveServer(baseURL: "https://127.0.0.1:\(port)", folder: folder))
        }
    }

    /// A bare server on the OpenSSL TLS channel with the test routes and its own TLS context, so
    /// that a test can watch that context's live sessions undisturbed by other tests.
    static func withBareServer(_ body: @Sendable (LiveServer, TLSServerContext) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("incentives-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificates = DevelopmentCertificates(directory: folder.appendingPathComponent("certs"))
        try certificates.ensure()
        let context = try TLSServerContext(
            certificateChainPath: certificates.serverCertificate.path, privateKeyPath: certificates.serverKey.path)
        let router = Router()
        router.get("healthz") { _, _ in "ok" }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "bare-server")
        logger.logLevel = .warning
        let app = Application(
            router: router, server: .http1OverOpenSSL(tls: .init(context: context)),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await run(app, ports: ports) { port in
            try await body(LiveServer(baseURL: "https://127.0.0.1:\(port)", folder: folder), context)
        }
    }

    /// Runs `app` until `body` returns, then shuts it down gracefully.
    private static func run(
        _ app: some ApplicationProtocol, ports: AsyncStream<Int>, _ body: (Int) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test-service-group")
        logger.logLevel = .warning
        let serviceGroup = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            var iterator = ports.makeAsyncIterator()
            do {
                guard let port = await iterator.next() else { return }
                try await body(port)
            } catch {
                await serviceGroup.triggerGracefulShutdown()
                throw error
            }
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    func makeClient(
        tlsVersion: TLSVersion? = nil,
        connectionLimit: Int = 8
    ) -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caPath)
        if let tlsVersion {
            tls.minimumTLSVersion = tlsVersion
            tls.maximumTLSVersion = tlsVersion
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionLimit)
        configuration.timeout = .init(connect: .seconds(20), read: .seconds(60))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

extension HTTPClient {
    /// Runs `body` and shuts the client down whatever happens.
    func closing<Result>(_ body: (HTTPClient) async throws -> Result) async throws -> Result {
        do {
            let result = try await body(self)
            try await shutdown()
            return result
        } catch {
            try? await shutdown()
            throw error
        }
    }
}
