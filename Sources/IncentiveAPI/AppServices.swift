public import Foundation
public import IncentiveStore
import IncentiveEngine
import OpenSSLCrypto

/// The database and everything built on it, made once per process.
public struct AppServices: Sendable {
    public let database: IncentiveDatabase
    public let apiKeys: APIKeyRepository
    public let jobs: JobQueue
    let apiHandler: IncentiveAPIHandler

    public static let apiKeyHMACKeyFile = "api-key-hmac.key"

    public init(configuration: AppConfiguration) throws {
        database = try IncentiveDatabase(directory: configuration.dataDirectory)
        let hmacKey = try SecretKeyFile.loadOrCreate(configuration.dataDirectory.appendingPathComponent(Self.apiKeyHMACKeyFile))
        apiKeys = APIKeyRepository(database: database, hmacKey: hmacKey)
        let evaluator = IncentiveEvaluator(graceWindow: configuration.graceWindowSeconds)
        jobs = JobQueue(database: database, evaluator: evaluator)
        apiHandler = IncentiveAPIHandler(
            intake: EventIntake(database: database, evaluator: evaluator,
                                evaluationBudget: .milliseconds(configuration.evaluationBudgetMilliseconds)),
            users: UserRepository(database: database),
            employers: EmployerRepository(database: database),
            programs: ProgramRepository(database: database),
            achievements: AchievementRepository(database: database),
            passwordIterations: configuration.passwordIterations)
    }
}
