import PostgresClient
import Testing

@Suite("PostgresConnection on a real server", .requiresPostgres)
struct PostgresConnectionTests {
    @Test("connects and reads columns by name and index as String, Int64, Bool and Double, NULL as nil")
    func connectsAndReadsTypedColumns() throws {
        let connection = try TestServer.connect()
        let row = try connection.query(
            "SELECT 'text' AS s, 9007199254740993::bigint AS i, true AS b, 2.5::float8 AS d, NULL::text AS n, current_setting('server_version_num')::int AS v"
        ).singleRow()
        #expect(try row.string("s") == "text")
        #expect(try row.int64("i") == 9_007_199_254_740_993)
        #expect(try row.bool("b") == true)
        #expect(try row.double("d") == 2.5)
        #expect(try row.string("n") == nil)
        #expect(try row.int64("n") == nil)
        #expect(try row.string(at: 0) == "text")
        #expect(try row.int64(at: 1) == 9_007_199_254_740_993)
        #expect(try #require(try row.int64("v")) >= 150_000)
        #expect(connection.backendProcessID > 0)
        #expect(throws: PostgresError.columnDecoding(column: "s", text: "text", type: "Int64")) { try row.int64("s") }
        #expect(throws: PostgresError.noSuchColumn(name: "missing")) { try row.string("missing") }
        #expect(throws: PostgresError.columnIndexOutOfRange(6)) { try row.string(at: 6) }
    }

    @Test("parameters travel apart from the SQL: NULL, unicode, quotes, extremes and special floats round-trip")
    func parametersRoundTrip() throws {
        let connection = try TestServer.connect()
        let unicode = "Zoë 🚴‍♀️ 日本語 \u{202E}"
        let hostile = "'); DROP TABLE pg_class; --"
        let row = try connection.query(
            "SELECT $1::text AS u, octet_length($1::text) AS bytes, $2::text AS n, $3::bigint AS i, $4::boolean AS b, $5::float8 AS d, $6::float8 AS nan, $7::text AS h",
            [unicode, String?.none, Int64.min, false, -Double.infinity, Double.nan, hostile]
        ).singleRow()
        #expect(try row.string("u") == unicode)
        #expect(try row.int64("bytes") == Int64(unicode.utf8.count))
        #expect(try row.string("n") == nil)
        #expect(try row.int64("i") == Int64.min)
        #expect(try row.bool("b") == false)
        #expect(try row.double("d") == -Double.infinity)
        #expect(try #require(try row.double("nan")).isNaN)
        #expect(try row.string("h") == hostile)
        #expect(throws: PostgresError.parameterContainsNul(index: 0)) { try connection.query("SELECT $1::text", ["a\u{0}b"]) }
    }

    @Test("a second statement after a semicolon is refused, not run")
    func oneStatementPerCall() throws {
        let connection = try TestServer.connect()
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT 1; SELECT 2") }
        #expect(error.serverMessage?.sqlState == SQLState(rawValue: "42601"))
        #expect(try connection.query("SELECT 3 AS x").singleRow().int64("x") == 3)
    }

    @Test("a prepared statement is prepared once per connection and reused by name")
    func preparedStatementReuse() throws {
        let connection = try TestServer.connect()
        try connection.query("CREATE TEMP TABLE item (id bigint PRIMARY KEY, label text)")
        let insert = PostgresStatement(name: "item_insert", sql: "INSERT INTO item (id, label) VALUES ($1, $2)")
        // A second PQprepare under the same name would fail (42P05 duplicate_prepared_statement):
        // three successful runs prove the statement was prepared once and then reused.
        for id in 1...3 {
            let result = try connection.execute(insert, [Int64(id), "item \(id)"])
            #expect(result.affectedRowCount == 1)
        }
        let prepared = try connection.query("SELECT count(*) AS c FROM pg_prepared_statements WHERE name = $1", [insert.name])
        #expect(try prepared.singleRow().int64("c") == 1)
        let labels = try connection.execute(PostgresStatement(name: "item_labels", sql: "SELECT label FROM item WHERE id >= $1 ORDER BY id"), [2])
        #expect(try labels.rows.map { try $0.string("label") } == ["item 2", "item 3"])
        #expect(throws: PostgresError.statementNameConflict(name: "item_insert")) {
            try connection.execute(PostgresStatement(name: "item_insert", sql: "SELECT 1"))
        }
    }

    @Test("a duplicate key is .uniqueViolation with the constraint's name, and the connection stays usable")
    func uniqueViolation() throws {
        let connection = try TestServer.connect()
        try connection.query("CREATE TEMP TABLE account (email text CONSTRAINT account_email_key UNIQUE)")
        try connection.query("INSERT INTO account (email) VALUES ($1)", ["a@example.com"])
        let error = try #require(throws: PostgresError.self) {
            try connection.query("INSERT INTO account (email) VALUES ($1)", ["a@example.com"])
        }
        guard case .uniqueViolation(let message) = error else {
            Issue.record("expected .uniqueViolation, got \(error)")
            return
        }
        #expect(message.sqlState == .uniqueViolation)
        #expect(message.constraint == "account_email_key")
        #expect(!message.message.isEmpty)
        #expect(try connection.query("SELECT count(*) AS c FROM account").singleRow().int64("c") == 1)
    }

    @Test("server errors are sorted by SQLSTATE into the cases callers act on", arguments: [
        ("40001", "serializationFailure"), ("40P01", "deadlockDetected"), ("23503", "foreignKeyViolation"),
        ("08006", "connectionException"), ("08P01", "server"), ("57P01", "serverUnavailable"),
        ("57P03", "serverUnavailable"), ("22012", "server"),
    ])
    func sqlStateMapping(code: String, expectedCase: String) throws {
        let connection = try TestServer.connect()
        try connection.query("""
            CREATE FUNCTION pg_temp.fail(code text) RETURNS void LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'raised %', code USING ERRCODE = code; END $$
            """)
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT pg_temp.fail($1)", [code]) }
        #expect(error.serverMessage == PostgresServerMessage(sqlState: SQLState(rawValue: code), message: "raised \(code)"))
        #expect("\(error)".hasPrefix("PostgreSQL error \(code)"))
        let name: String = switch error {
        case .serializationFailure: "serializationFailure"
        case .deadlockDetected: "deadlockDetected"
        case .foreignKeyViolation: "foreignKeyViolation"
        case .connectionException: "connectionException"
        case .serverUnavailable: "serverUnavailable"
        case .server: "server"
        default: "\(error)"
        }
        #expect(name == expectedCase)
        #expect(error.isRetryableTransaction == ["40001", "40P01"].contains(code))
    }

    @Test("a transaction whose statement failed and was caught ends in ROLLBACK and says so")
    func commitOfFailedTransaction() throws {
        let connection = try TestServer.connect()
        try connection.query("CREATE TEMP TABLE mark (id int PRIMARY KEY)")
        #expect(throws: PostgresError.transactionRolledBack) {
            try connection.withTransaction { connection in
                try connection.query("INSERT INTO mark VALUES (1)")
                _ = try? connection.query("INSERT INTO mark VALUES (1)")
            }
        }
        #expect(try connection.query("SELECT count(*) AS c FROM mark").singleRow().int64("c") == 0)
    }
}
