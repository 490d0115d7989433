import Foundation
import PostgresClient
import Testing

/// The real server the tests run against: `scripts/postgres-test-server.sh start` (run by
/// `scripts/test.sh`) writes its URL and certificates to `.build-postgres/server.env`.
enum TestServer {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["INCENTIVES_TEST_POSTGRES_URL"]
    static let rootCertificate = environment["INCENTIVES_TEST_POSTGRES_ROOT_CERT"]
    static let otherRootCertificate = environment["INCENTIVES_TEST_POSTGRES_OTHER_ROOT_CERT"]

    /// The server's URL; only called by tests that `.requiresPostgres` enabled.
    static var requiredURL: String {
        get throws { try #require(url, "INCENTIVES_TEST_POSTGRES_URL is unset") }
    }

    static func connect() throws -> PostgresConnection {
        try PostgresConnection(connectionString: requiredURL)
    }

    static func pool(maximumConnections: Int) throws -> PostgresPool {
        try PostgresPool(connectionString: requiredURL, maximumConnections: maximumConnections)
    }
}

extension Trait where Self == ConditionTrait {
    /// Skips the test, saying why, when no test server was started.
    static var requiresPostgres: Self {
        .enabled(
            if: TestServer.url != nil,
            "INCENTIVES_TEST_POSTGRES_URL is unset: run scripts/test.sh, or `scripts/postgres-test-server.sh start` and `source .build-postgres/server.env`"
        )
    }
}
