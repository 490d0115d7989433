import PostgresClient
import Testing

/// `sslmode=verify-full` through libpq and the system OpenSSL, against the test server's
/// certificate (for 127.0.0.1 and localhost, signed by the test CA).
@Suite("PostgreSQL over TLS with sslmode=verify-full", .requiresPostgres, .enabled(if: TestServer.rootCertificate != nil))
struct TLSVerificationTests {
    func url(rootCertificate: String, host: String? = nil) throws -> String {
        var url = try TestServer.requiredURL + "?sslmode=verify-full&sslrootcert=\(rootCertificate)"
        // hostaddr is where to connect; host is the name the certificate must carry.
        if let host { url += "&host=\(host)&hostaddr=127.0.0.1" }
        return url
    }

    @Test("the server's certificate verifies against its CA and the session is encrypted")
    func verifiesTheServer() async throws {
        let pool = try PostgresPool(connectionString: url(rootCertificate: try #require(TestServer.rootCertificate)), maximumConnections: 1)
        let encrypted = try await pool.withConnection { connection in
            try connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").singleRow().bool("ssl")
        }
        #expect(encrypted == true)
        await pool.close()
    }

    @Test("a certificate from another CA is refused")
    func refusesAnotherCA() async throws {
        let pool = try PostgresPool(connectionString: url(rootCertificate: try #require(TestServer.otherRootCertificate)), maximumConnections: 1)
        let error = try await #require(throws: PostgresError.self) { try await pool.withConnection { try $0.query("SELECT 1") } }
        print("another CA: \(error)")
        guard case .connectionFailed = error else {
            Issue.record("expected .connectionFailed, got \(error)")
            return
        }
        await pool.close()
    }

    @Test("a certificate for another name is refused")
    func refusesAnotherName() async throws {
        let pool = try PostgresPool(
            connectionString: url(rootCertificate: try #require(TestServer.rootCertificate), host: "db.example.com"),
            maximumConnections: 1
        )
        let error = try await #require(throws: PostgresError.self) { try await pool.withConnection { try $0.query("SELECT 1") } }
        print("another name: \(error)")
        guard case .connectionFailed(let message) = error else {
            Issue.record("expected .connectionFailed, got \(error)")
            return
        }
        #expect(message.contains("db.example.com"))
        await pool.close()
    }
}
