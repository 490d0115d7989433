/// Everything a PostgreSQL call can fail with. Server errors are sorted by SQLSTATE into the cases
/// callers act on (retry, reconnect, conflict); the rest keep the server's fields in `.server`.
public enum PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection string or URL does not parse (libpq's message says where).
    case invalidConnectionString(message: String)
    /// No connection could be made: refused, unreachable, timed out, TLS verification, authentication.
    case connectionFailed(message: String)
    /// The connection broke during a call without a server error; the outcome of a COMMIT in
    /// flight is unknown.
    case connectionLost(message: String)
    /// 23505.
    case uniqueViolation(PostgresServerMessage)
    /// 23503.
    case foreignKeyViolation(PostgresServerMessage)
    /// 40001: the transaction was rolled back and may be retried.
    case serializationFailure(PostgresServerMessage)
    /// 40P01: the transaction was rolled back and may be retried.
    case deadlockDetected(PostgresServerMessage)
    /// Class 08 (except 08P01): the connection is not usable.
    case connectionException(PostgresServerMessage)
    /// 57P01, 57P02, 57P03: the server is shutting down, crashed or still starting.
    case serverUnavailable(PostgresServerMessage)
    /// Any other server error.
    case server(PostgresServerMessage)
    /// libpq refused the call itself, without asking the server.
    case client(message: String)
    /// COMMIT answered ROLLBACK: the transaction had already failed, nothing was written.
    case transactionRolledBack
    /// A text parameter holds a NUL byte, which PostgreSQL text cannot hold (libpq would cut it there).
    case parameterContainsNul(index: Int)
    /// One connection was asked to prepare two different statements under the same name.
    case statementNameConflict(name: String)
    /// A result of a kind this client does not read (COPY).
    case unsupportedResult(status: String)
    case noSuchColumn(name: String)
    case columnIndexOutOfRange(Int)
    /// `singleRow()` found this many rows instead of one.
    case unexpectedRowCount(Int)
    /// A column's text is not a value of the type asked for.
    case columnDecoding(column: String, text: String, type: String)
    /// The pool was closed.
    case poolClosed

    /// Sorts a server error by its SQLSTATE.
    public init(server message: PostgresServerMessage) {
        switch message.sqlState {
        case .uniqueViolation: self = .uniqueViolation(message)
        case .foreignKeyViolation: self = .foreignKeyViolation(message)
        case .serializationFailure: self = .serializationFailure(message)
        case .deadlockDetected: self = .deadlockDetected(message)
        case .adminShutdown, .crashShutdown, .cannotConnectNow: self = .serverUnavailable(message)
        case .protocolViolation: self = .server(message)
        case let state where state.errorClass == "08": self = .connectionException(message)
        default: self = .server(message)
        }
    }

    /// A serialization failure or deadlock: running the whole transaction again may succeed.
    public var isRetryableTransaction: Bool {
        switch self {
        case .serializationFailure, .deadlockDetected: true
        default: false
        }
    }

    /// The server cannot be used right now (answer 503, reconnect later).
    public var isConnectionFailure: Bool {
        switch self {
        case .connectionFailed, .connectionLost, .connectionException, .serverUnavailable: true
        default: false
        }
    }

    /// The server's fields, for the cases that carry them.
    public var serverMessage: PostgresServerMessage? {
        switch self {
        case .uniqueViolation(let message), .foreignKeyViolation(let message), .serializationFailure(let message),
            .deadlockDetected(let message), .connectionException(let message), .serverUnavailable(let message),
            .server(let message):
            message
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .invalidConnectionString(let message): "invalid PostgreSQL connection string: \(message)"
        case .connectionFailed(let message): "could not connect to PostgreSQL: \(message)"
        case .connectionLost(let message): "PostgreSQL connection lost: \(message)"
        case .client(let message): "libpq: \(message)"
        case .transactionRolledBack: "the transaction had failed; COMMIT rolled it back"
        case .parameterContainsNul(let index): "parameter $\(index + 1) contains a NUL byte"
        case .statementNameConflict(let name): "prepared statement \"\(name)\" was already prepared with other SQL"
        case .unsupportedResult(let status): "unsupported PostgreSQL result \(status)"
        case .noSuchColumn(let name): "no column \"\(name)\" in the result"
        case .columnIndexOutOfRange(let index): "no column at index \(index) in the result"
        case .unexpectedRowCount(let count): "expected one row, got \(count)"
        case .columnDecoding(let column, let text, let type): "column \"\(column)\" holds \"\(text)\", not a \(type)"
        case .poolClosed: "the PostgreSQL pool is closed"
        default: "PostgreSQL error \(serverMessage.map(\.description) ?? "")"
        }
    }
}
