import Foundation
public import IncentiveStore
import IncentiveEngine
import Logging
import OpenSSLCrypto
public import PartnerAuth

/// The database and everything built on it, made once per process.
public struct AppServices: Sendable {
    public let database: IncentiveDatabase
    public let apiKeys: APIKeyRepository
    public let jobs: JobQueue
    public let partners: PartnerRegistry
    public let tokens: TokenService
    public let keys: SigningKeyRing
    public let sessions: SessionStore
    public let audit: AuditChain
    /// The public base URL; set from the bound port at start when none is configured.
    public let origin: PublicOrigin
    let auditTrail: AuditTrail
    let rateLimitAudit = RateLimitAudit()
    let partnerLimiter: PartnerRateLimiter
    let feedCursors: FeedCursor
    let apiHandler: IncentiveAPIHandler

    public static let apiKeyHMACKeyFile = "api-key-hmac.key"
    public static let oauthHMACKeyFile = "oauth-hmac.key"
    public static let pairwiseKeyFile = "pairwise-subject.key"
    public static let feedCursorKeyFile = "feed-cursor.key"
    public static let signingKeysFolder = "keys"
    /// The audit MAC key: `INCENTIVES_AUDIT_KEY` (64 hex digits) if set, else this file in the data folder.
    public static let auditKeyFile = "audit.key"

    public init(configuration: AppConfiguration) throws {
        database = try IncentiveDatabase(directory: configuration.dataDirectory)
        let hmacKey = try SecretKeyFile.loadOrCreate(configuration.dataDirectory.appendingPathComponent(Self.apiKeyHMACKeyFile))
        apiKeys = APIKeyRepository(database: database, hmacKey: hmacKey)
        let data = configuration.dataDirectory
        let oauthKey = try SecretKeyFile.loadOrCreate(data.appendingPathComponent(Self.oauthHMACKeyFile))
        origin = PublicOrigin(configuration.resolvedPublicBaseURL(boundPort: configuration.port).absoluteString)
        let tokenSettings = TokenSettings(origin: origin)
        keys = try SigningKeyRing(directory: data.appendingPathComponent(Self.signingKeysFolder),
                                  retention: tokenSettings.longestAcceptedLifetime)
        partners = PartnerRegistry(database: database, hmacKey: oauthKey)
        let passwords = configuration.passwordCheckConcurrency.map { PasswordHasher(concurrency: $0) } ?? PasswordHasher()
        audit = AuditChain(database: database, key: try Self.auditKey(configuration: configuration))
        sessions = SessionStore(database: database, hmacKey: oauthKey, passwords: passwords, audit: audit)
        partnerLimiter = PartnerRateLimiter(quota: configuration.partnerRequestsPerMinute)
        auditTrail = AuditTrail(writer: AuditGroupCommit(chain: audit), logger: Logger(label: "incentives.audit"), refusals: RefusalAudit())
        tokens = TokenService(
            settings: tokenSettings, database: database, audit: audit, keys: keys, hmacKey: oauthKey,
            pairwiseKey: try SecretKeyFile.loadOrCreate(data.appendingPathComponent(Self.pairwiseKeyFile)))
        feedCursors = FeedCursor(key: try SecretKeyFile.loadOrCreate(data.appendingPathComponent(Self.feedCursorKeyFile)))
        let evaluator = IncentiveEvaluator(graceWindow: configuration.graceWindowSeconds)
        jobs = JobQueue(database: database, evaluator: evaluator)
        apiHandler = IncentiveAPIHandler(
            intake: EventIntake(database: database, evaluator: evaluator,
                                evaluationBudget: .milliseconds(configuration.evaluationBudgetMilliseconds)),
            users: UserRepository(database: database),
            employers: EmployerRepository(database: database),
            programs: ProgramRepository(database: database),
            achievements: AchievementRepository(database: database),
            passwordIterations: configuration.passwordIterations,
            passwords: passwords,
            partnerAPI: PartnerAPIHandler(partners: partners, tokens: tokens, sessions: sessions, origin: origin, chain: audit),
            auditAPI: AuditAPIHandler(chain: audit))
    }

    /// The `admin.change` row of a change made on the command line, for the repository to append
    /// in the change's transaction.
    public func commandLineChange(_ command: String, detail: [String: String] = [:]) -> AuditedChange {
        AuditedChange(chain: audit, fact: AuditFact(
            .adminChange, .ok, detail: AuditFact.detail(detail.merging(["by": "command line", "command": command]) { $1 })))
    }

    /// The audit MAC key; with `creating: false` a missing key file is an error, not a new key.
    public static func auditKey(configuration: AppConfiguration, creating: Bool = true) throws -> [UInt8] {
        if let hex = ProcessInfo.processInfo.environment["INCENTIVES_AUDIT_KEY"] {
            guard let bytes = Hex.decode(hex), bytes.count == 32 else { throw ConfigurationError("INCENTIVES_AUDIT_KEY must be 64 hex digits") }
            return bytes
        }
        let url = configuration.dataDirectory.appendingPathComponent(auditKeyFile)
        if creating { return try SecretKeyFile.loadOrCreate(url) }
        guard let key = try SecretKeyFile.load(url) else { throw PrivateFileError.missing(path: url.path) }
        return key
    }
}
