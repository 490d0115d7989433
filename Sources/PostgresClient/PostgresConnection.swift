import CLibPQ

/// One connection to PostgreSQL, owning one libpq `PGconn`. Every call blocks the calling thread
/// until the server answers: make and use connections on threads of their own (`PostgresPool` does),
/// never on a NIO event loop or Swift's cooperative pool. Not `Sendable`: libpq forbids two threads
/// using one `PGconn` at once, so the compiler keeps a connection on the thread that holds it.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    /// Statements prepared on this session, by name; the server forgets them when the session ends.
    private var prepared: [String: String] = [:]

    /// Connects (blocking) with a libpq connection string (`host=... dbname=...`) or a
    /// `postgresql://` URL; every libpq keyword works, `sslmode=verify-full sslrootcert=FILE` included.
    /// `connectTimeoutSeconds` applies unless the string sets `connect_timeout` itself.
    public init(connectionString: String, connectTimeoutSeconds: Int = 5) throws {
        try Self.validate(connectionString)
        // Keywords before the expanded connection string are defaults it may override; keywords after it
        // override it: results are read as UTF-8 whatever the server's or the environment's encoding.
        let settings: [(String, String)] = [
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("application_name", "incentives"),
            ("dbname", connectionString),
            ("client_encoding", "UTF8"),
        ]
        let connection = withCStrings(settings.map { Optional($0.0) } + [nil]) { keywords in
            withCStrings(settings.map { Optional($0.1) } + [nil]) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let connection else { throw PostgresError.connectionFailed(message: "out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError.connectionFailed(message: message)
        }
        handle = connection
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Closes the connection (idempotent); every later call fails with `connectionLost`.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        prepared = [:]
    }

    /// Whether the connection is closed or libpq found it broken (`CONNECTION_BAD`): a pool replaces it.
    public var isBroken: Bool {
        guard let handle else { return true }
        return PQstatus(handle) != CONNECTION_OK
    }

    /// The server process serving this session (`pg_backend_pid()`).
    public var backendProcessID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// Whether the session is outside any transaction (nothing to roll back before reuse).
    var isIdle: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Runs one statement with `$1...` parameters sent apart from the SQL (`PQexecParams`, text
    /// format; a nil text is NULL). One statement only: the server refuses a second after a `;`.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresParameter] = []) throws -> PostgresResult {
        let connection = try open()
        let texts = try Self.texts(of: parameters)
        let result = withCStrings(texts) { values in
            PQexecParams(connection, sql, Int32(values.count), nil, values, nil, nil, 0)
        }
        return try read(result)
    }

    /// Runs a prepared statement, preparing it on this connection the first time (`PQprepare`,
    /// then `PQexecPrepared`): later runs send only the name and the parameters.
    @discardableResult
    public func execute(_ statement: PostgresStatement, _ parameters: [any PostgresParameter] = []) throws -> PostgresResult {
        let connection = try open()
        switch prepared[statement.name] {
        case statement.sql?:
            break
        case nil:
            try read(PQprepare(connection, statement.name, statement.sql, 0, nil))
            prepared[statement.name] = statement.sql
        case _?:
            throw PostgresError.statementNameConflict(name: statement.name)
        }
        let texts = try Self.texts(of: parameters)
        let result = withCStrings(texts) { values in
            PQexecPrepared(connection, statement.name, Int32(values.count), values, nil, nil, 0)
        }
        return try read(result)
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws. A failed
    /// COMMIT (a serialization failure, a deferred constraint) throws its error, and nothing was written.
    @discardableResult
    public func withTransaction<Value>(
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: (PostgresConnection) throws -> Value
    ) throws -> Value {
        try query(isolation.beginStatement)
        let value: Value
        do {
            value = try body(self)
        } catch {
            if !isBroken { _ = try? query("ROLLBACK") }
            throw error
        }
        // A transaction in which a statement failed (and `body` caught the error) ends in ROLLBACK.
        guard try query("COMMIT").commandTag == "COMMIT" else { throw PostgresError.transactionRolledBack }
        return value
    }

    private func open() throws -> OpaquePointer {
        guard let handle else { throw PostgresError.connectionLost(message: "the connection is closed") }
        return handle
    }

    /// Turns a libpq result into a `PostgresResult` or the error it reports, and frees it.
    @discardableResult
    private func read(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else {
            throw PostgresError.connectionLost(message: Self.trimmed(handle.map { PQerrorMessage($0) } ?? nil))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.copy(result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw error(of: result)
        case let status:
            throw PostgresError.unsupportedResult(status: String(cString: PQresStatus(status)))
        }
    }

    private func error(of result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        // libpq's own errors (a lost connection, a refused call) carry no SQLSTATE.
        guard let sqlState = field(shim_PG_DIAG_SQLSTATE) else {
            let message = Self.trimmed(PQresultErrorMessage(result))
            return isBroken ? .connectionLost(message: message) : .client(message: message)
        }
        return PostgresError(server: PostgresServerMessage(
            sqlState: SQLState(rawValue: sqlState),
            message: field(shim_PG_DIAG_MESSAGE_PRIMARY) ?? Self.trimmed(PQresultErrorMessage(result)),
            detail: field(shim_PG_DIAG_MESSAGE_DETAIL),
            constraint: field(shim_PG_DIAG_CONSTRAINT_NAME)
        ))
    }

    private static func copy(_ result: OpaquePointer) -> PostgresResult {
        let columnCount = PQnfields(result)
        let columns = PostgresColumns(names: (0..<columnCount).map { String(cString: PQfname(result, $0)) })
        let rows = (0..<PQntuples(result)).map { row in
            PostgresRow(columns: columns, values: (0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        return PostgresResult(
            columns: columns,
            rows: rows,
            commandTag: String(cString: PQcmdStatus(result)),
            affectedRowCount: Int(String(cString: PQcmdTuples(result)))
        )
    }

    static func validate(_ connectionString: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &message) else {
            defer { PQfreemem(message) }
            throw PostgresError.invalidConnectionString(message: trimmed(message))
        }
        PQconninfoFree(options)
    }

    private static func texts(of parameters: [any PostgresParameter]) throws -> [String?] {
        try parameters.enumerated().map { index, parameter in
            let text = parameter.postgresText
            if let text, text.utf8.contains(0) { throw PostgresError.parameterContainsNul(index: index) }
            return text
        }
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        var text = String(cString: message)
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }

    private static func trimmed(_ message: UnsafeMutablePointer<CChar>?) -> String {
        trimmed(UnsafePointer(message))
    }
}

/// Calls `body` with C strings of `strings` (nil stays a null pointer), valid only during the call.
private func withCStrings<Result>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> Result) rethrows -> Result {
    var owned: [UnsafeMutablePointer<CChar>] = []
    defer { owned.forEach { $0.deallocate() } }
    let pointers: [UnsafePointer<CChar>?] = strings.map { string in
        guard let string else { return nil }
        let bytes = string.utf8CString
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        bytes.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: bytes.count) }
        owned.append(copy)
        return UnsafePointer(copy)
    }
    return try body(pointers)
}
