import Foundation
import PostgresClient
import Testing

/// What a caller sees when there is no usable server; needs none.
@Suite("PostgreSQL connection failures")
struct ConnectFailureTests {
    @Test("a malformed connection string or URL is refused before connecting", arguments: [
        "not a connection string", "postgresql://127.0.0.1/db?no_such_option=1", "host=127.0.0.1 port",
    ])
    func malformedConnectionString(connectionString: String) throws {
        let error = try #require(throws: PostgresError.self) {
            try PostgresPool(connectionString: connectionString, maximumConnections: 1)
        }
        print("\(connectionString): \(error)")
        guard case .invalidConnectionString(let message) = error else {
            Issue.record("expected .invalidConnectionString, got \(error)")
            return
        }
        #expect(!message.isEmpty)
    }

    @Test("a port nobody listens on fails at once with .connectionFailed and libpq's reason")
    func refusedPort() async throws {
        let port = try LoopbackSocket.unusedPort()
        let pool = try PostgresPool(connectionString: "postgresql://postgres@127.0.0.1:\(port)/postgres", maximumConnections: 1)
        let started = ContinuousClock.now
        let error = try await #require(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        print("refused after \(ContinuousClock.now - started): \(error)")
        guard case .connectionFailed(let message) = error else {
            Issue.record("expected .connectionFailed, got \(error)")
            return
        }
        #expect(message.contains("\(port)"))
        #expect(error.isConnectionFailure)
        await pool.close()
    }

    @Test("a server that accepts and never answers fails after connect_timeout instead of hanging")
    func silentServer() async throws {
        // The kernel completes the TCP handshake for the backlog; nothing ever reads or replies.
        let listener = try LoopbackSocket.listening()
        defer { listener.release() }
        let pool = try PostgresPool(
            connectionString: "host=127.0.0.1 port=\(listener.port) user=postgres dbname=postgres",
            maximumConnections: 1, connectTimeoutSeconds: 2
        )
        let started = ContinuousClock.now
        let error = try await #require(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        print("a silent server failed after \(ContinuousClock.now - started) (connect_timeout 2 s): \(error)")
        guard case .connectionFailed = error else {
            Issue.record("expected .connectionFailed, got \(error)")
            return
        }
        await pool.close()
    }

    @Test("an invalid port value fails with .connectionFailed naming it")
    func invalidPortValue() async throws {
        let pool = try PostgresPool(connectionString: "postgresql://127.0.0.1:notaport/postgres", maximumConnections: 1)
        let error = try await #require(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        print("port notaport: \(error)")
        #expect(error.isConnectionFailure)
        await pool.close()
    }
}
