public import Foundation
public import IncentiveStore
import IncentiveEngine
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
    /// The public base URL; set from the bound port at start when none is configured.
    public let origin: PublicOrigin
    let apiHandler: IncentiveAPIHandler

    public static let apiKeyHMACKeyFile = "api-key-hmac.key"
    public static let oauthHMACKeyFile = "oauth-hmac.key"
    public static let pairwiseKeyFile = "pairwise-subject.key"
    public static let signingKeysFolder = "keys"

    public init(configuration: AppConfiguration) throws {
        database = try IncentiveDatabase(directory: configuration.dataDirectory)
        let hmacKey = try SecretKeyFile.loadOrCreate(configuration.dataDirectory.appendingPathComponent(Self.apiKeyHMACKeyFile))
        apiKeys = APIKeyRepository(database: database, hmacKey: hmacKey)
        let data = configuration.dataDirectory
        let oauthKey = try SecretKeyFile.loadOrCreate(data.appendingPathComponent(Self.oauthHMACKeyFile))
        origin = PublicOrigin(configuration.resolvedPublicBaseURL(boundPort: configuration.port).absoluteString)
        keys = try SigningKeyRing(directory: data.appendingPathComponent(Self.signingKeysFolder))
        partners = PartnerRegistry(database: database, hmacKey: oauthKey)
        sessions = SessionStore(database: database, hmacKey: oauthKey)
        tokens = TokenService(
            settings: TokenSettings(origin: origin), database: database, keys: keys, hmacKey: oauthKey,
            pairwiseKey: try SecretKeyFile.loadOrCreate(data.appendingPathComponent(Self.pairwiseKeyFile)))
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
            partnerAPI: PartnerAPIHandler(partners: partners, tokens: tokens, sessions: sessions,
                                          feed: PartnerFeed(database: database), limiter: PartnerRateLimiter(quota: configuration.partnerRequestsPerMinute), origin: origin))
    }
}
