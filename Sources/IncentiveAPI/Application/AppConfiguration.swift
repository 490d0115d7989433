public import Foundation
public import Logging

/// Everything the service is configured with, filled once at start from flags and environment.
public struct AppConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8443
    /// Issuer, links and metadata; derived from the bound address when nil.
    public var publicBaseURL: URL?
    public var dataDirectory = URL(fileURLWithPath: "data")
    /// Where dev certificates are made when no certificate is configured.
    public var certificatesDirectory = URL(fileURLWithPath: "certs")
    /// A PEM chain and key; when both are nil, development certificates are used.
    public var certificatePath: String?
    public var privateKeyPath: String?
    public var handshakeTimeoutSeconds = 5
    /// A request head must be complete this long after the connection opened or the last response.
    public var requestHeadTimeoutSeconds = 20
    /// A request body must be complete this long after its head.
    public var requestBodyTimeoutSeconds = 60
    public var maximumConnections = 16_384
    public var logLevel = Logger.Level.info
    /// JSON lines on standard error (the default), or swift-log's plain text.
    public var logsJSON = true
    /// Backdated events older than this earn nothing on arrival (DESIGN: 7 days).
    public var graceWindowSeconds: Double = 7 * 86_400
    /// Synchronous evaluation gives up after this and leaves the event to a job.
    public var evaluationBudgetMilliseconds = 250
    /// Partner API requests allowed per partner per minute.
    public var partnerRequestsPerMinute = 600
    /// Audit rows older than this are deleted (in batches, leaving anchor rows); nil keeps them all.
    public var auditRetentionDays: Double? = 400
    /// How often expired sessions, codes, links, throttle rows and dead refresh families are deleted; nil never.
    public var purgeIntervalSeconds: Int? = 3600
    /// Dead rows are kept this long after they stopped counting before the purge deletes them.
    public var purgeKeepSeconds: Double = 86_400
    /// PBKDF2 iterations for user passwords; lowered only by tests.
    public var passwordIterations = 600_000
    /// Password checks (PBKDF2) running at once, each on a thread of its own; nil: one per core.
    public var passwordCheckConcurrency: Int?
    /// Mounts `/_test/*` (large bodies) for the transport tests; never on in production.
    public var enablesTestRoutes = false
    /// Serves plain HTTP instead of HTTPS: only so benchmarks can measure what TLS costs.
    public var servesPlainHTTPForBenchmarks = false

    public init() {}

    public var usesDevelopmentCertificate: Bool { certificatePath == nil && privateKeyPath == nil }

    /// The public base URL: as configured, else the bound address.
    public func resolvedPublicBaseURL(boundPort: Int) -> URL {
        if let publicBaseURL {
            let text = publicBaseURL.absoluteString
            return text.hasSuffix("/") ? URL(string: String(text.dropLast()))! : publicBaseURL
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let scheme = servesPlainHTTPForBenchmarks ? "http" : "https"
        return URL(string: "\(scheme)://\(hostPart):\(boundPort)")!
    }
}
