import NIOCore
import Foundation
public import Hummingbird
import Logging
import NIOCore
import HummingbirdCore
import IncentiveStore
import PartnerAuth
import OpenSSLTLS
import OpenSSLCrypto
import IncentiveAPIGenerated
import OpenAPIRuntime
import OpenAPIHummingbird

/// The request context: Hummingbird's core storage plus the peer address (sign-in back-off per address).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// The composition root: `serve`, the tests and the benchmarks all build the service here.
/// - Parameter onServerRunning: called with the bound port once the server accepts connections.
public func buildApplication(
    configuration: AppConfiguration,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "incentives")
    logger.logLevel = configuration.logLevel
    try SecureFile.createPrivateDirectory(configuration.dataDirectory)
    let services = try AppServices(configuration: configuration)
    var app = Application(
        router: try buildRouter(configuration: configuration, services: services),
        server: try buildServer(configuration: configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "incentives"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            services.origin.set(configuration.resolvedPublicBaseURL(boundPort: port).absoluteString)
            await onServerRunning(port)
        },
        logger: logger)
    app.addServices(JobWorker(queue: services.jobs, interval: .milliseconds(500), logger: logger),
                    AuditHeadReporter(chain: services.audit, interval: .seconds(60), logger: logger),
                    RateLimitAuditFlusher(refusals: services.rateLimitAudit, audit: services.auditTrail, interval: .seconds(10)))
    if let seconds = configuration.purgeIntervalSeconds {
        app.addServices(StatePurgeService(purge: statePurge(services: services, configuration: configuration),
                                          interval: .seconds(seconds), logger: logger))
    }
    if let days = configuration.auditRetentionDays {
        app.addServices(AuditRetention(chain: services.audit, keepSeconds: days * 86_400, interval: .seconds(3600), logger: logger))
    }
    return app
}

func statePurge(services: AppServices, configuration: AppConfiguration) -> StatePurge {
    let settings = services.tokens.settings
    return StatePurge(database: services.database, policy: .init(
        sessionIdle: SessionStore.idleLifetime, sessionAbsolute: SessionStore.absoluteLifetime,
        refreshIdle: settings.refreshIdleLifetime, refreshAbsolute: settings.refreshAbsoluteLifetime,
        keepDead: configuration.purgeKeepSeconds))
}

func buildServer(configuration: AppConfiguration) throws -> HTTPServerBuilder {
    let deadlines = (head: TimeAmount.seconds(Int64(configuration.requestHeadTimeoutSeconds)),
                     body: TimeAmount.seconds(Int64(configuration.requestBodyTimeoutSeconds)))
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [RequestDeadlineHandler(headTimeout: deadlines.head, bodyTimeout: deadlines.body)])
    if configuration.servesPlainHTTPForBenchmarks {
        return .init { responder in HTTP10CloseChannel(base: HTTP1Channel(responder: responder, configuration: http1)) }
    }
    let tls = TLSServerConfiguration(
        context: try TLSMaterial.serverContext(for: configuration),
        handshakeTimeout: .seconds(Int64(configuration.handshakeTimeoutSeconds)),
        maximumConnections: configuration.maximumConnections)
    return .init { responder in
        OpenSSLTLSChannel(HTTP10CloseChannel(base: HTTP1Channel(responder: responder, configuration: http1)), configuration: tls)
    }
}

func buildRouter(configuration: AppConfiguration, services: AppServices) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ConnectionCloseMiddleware())
    router.add(middleware: SecurityHeadersMiddleware(usesDevelopmentCertificate: configuration.usesDevelopmentCertificate))
    router.add(middleware: CachePolicyMiddleware())
    router.add(middleware: BufferedResponseMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: ProblemMiddleware())
    HealthController().addRoutes(to: router)
    try OpenAPIDocumentController().addRoutes(to: router)
    let audit = services.auditTrail
    OAuthController(tokens: services.tokens, clients: ClientAuthenticator(partners: services.partners), audit: audit).addRoutes(to: router)
    DiscoveryController(settings: services.tokens.settings, keys: services.keys).addRoutes(to: router)
    let browser = BrowserSession(sessions: services.sessions)
    LoginController(sessions: services.sessions, browser: browser, audit: audit).addRoutes(to: router)
    AuthorizeController(partners: services.partners, tokens: services.tokens, browser: browser, audit: audit).addRoutes(to: router)
    ConnectionsController(partners: services.partners, tokens: services.tokens, browser: browser).addRoutes(to: router)
    if configuration.enablesTestRoutes { TestRoutesController().addRoutes(to: router) }
    // The /v1 API. Each kind of route carries its credential: the partner feed a bearer token, the
    // metrics an API key, and each generated operation what OperationAccessMiddleware's table says.
    let api = router.group()
        .add(middleware: RequestSourceMiddleware())
        .add(middleware: ResourceChallengeMiddleware(settings: services.tokens.settings))
        .add(middleware: ResponseHeaderDecodingMiddleware())
    let apiKeys = APIKeyAuthenticator(keys: services.apiKeys, audit: audit)
    MetricsController(jobs: services.jobs, achievements: AchievementRepository(database: services.database), audit: services.audit)
        .addRoutes(to: api.group().add(middleware: APIKeyMiddleware(authenticator: apiKeys)))
    let partnerAPI = api.group().add(middleware: PartnerBearerMiddleware(
        tokens: services.tokens, audit: audit, rateLimitAudit: services.rateLimitAudit, limiter: services.partnerLimiter))
    PartnerFeedController(tokens: services.tokens, feed: PartnerFeed(database: services.database),
                          cursors: services.feedCursors, origin: services.origin).addRoutes(to: partnerAPI)
    let access = OperationAccessMiddleware(
        apiKeys: apiKeys, sessions: SessionAuthenticator(browser: browser, origin: services.origin),
        changes: AdminChangeAudit(chain: services.audit, audit: audit))
    // Compact JSON: the generator pretty-prints by default, which only adds bytes and encoding time.
    try services.apiHandler.registerHandlers(
        on: api, configuration: .init(dateTranscoder: LenientDateTranscoder(), jsonEncodingOptions: [.sortedKeys]),
        middlewares: [access])
    return router
}
