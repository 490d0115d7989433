import NIOPosix
import Synchronization

/// At most `maximumConnections` connections to one server, each used by one thread at a time. Every
/// libpq call runs on the pool's own threads (a `NIOThreadPool` of `maximumConnections` threads),
/// never on a NIO event loop or Swift's cooperative pool; a caller awaits the result. A work item
/// holds one connection from start to end, so there is never more than one connection per thread,
/// and callers beyond `maximumConnections` wait in the thread pool's queue.
///
/// A connection is made on first need. One found broken (`CONNECTION_BAD`, after the server closed it
/// or restarted) is replaced on its next use; one given back inside a transaction is rolled back.
public final class PostgresPool: Sendable {
    public let maximumConnections: Int
    private let connectionString: String
    private let connectTimeoutSeconds: Int
    private let threads: NIOThreadPool
    private let state = Mutex(State())

    private struct State {
        var idle: [PooledConnection] = []
        var closed = false
    }

    /// Checks `connectionString` (a libpq string or a `postgresql://` URL) at once; connects later.
    public init(connectionString: String, maximumConnections: Int, connectTimeoutSeconds: Int = 5) throws {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        try PostgresConnection.validate(connectionString)
        self.connectionString = connectionString
        self.maximumConnections = maximumConnections
        self.connectTimeoutSeconds = connectTimeoutSeconds
        threads = NIOThreadPool(numberOfThreads: maximumConnections)
        threads.start()
    }

    deinit {
        threads.shutdownGracefully { _ in }
    }

    /// Runs `body` with a connection on one of the pool's threads. `body` blocks that thread, not the
    /// caller; it must not keep the connection.
    @discardableResult
    public func withConnection<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        do {
            return try await threads.runIfActive { [self] in
                let pooled = try checkOut()
                defer { checkIn(pooled) }
                return try body(pooled.connection)
            }
        } catch where isClosed && (error is CancellationError || error is NIOThreadPoolError.ThreadPoolInactive) {
            // A stopped NIOThreadPool refuses new work with either, depending on the NIO version.
            throw PostgresError.poolClosed
        }
    }

    /// Runs `body` in a transaction on one of the pool's threads: COMMIT when it returns, ROLLBACK
    /// when it throws (`PostgresConnection.withTransaction`).
    @discardableResult
    public func withTransaction<Value: Sendable>(
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: @escaping @Sendable (PostgresConnection) throws -> Value
    ) async throws -> Value {
        try await withConnection { connection in
            try connection.withTransaction(isolation: isolation, body)
        }
    }

    /// Closes the idle connections and stops the threads; connections in use close when given back.
    public func close() async {
        _ = try? await threads.runIfActive { [self] in
            let idle = state.withLock { state in
                state.closed = true
                defer { state.idle = [] }
                return state.idle
            }
            idle.forEach { $0.connection.close() }
        }
        try? await threads.shutdownGracefully()
    }

    private var isClosed: Bool { state.withLock { $0.closed } }

    /// On a pool thread: an idle connection, replaced first if it broke, or a new one.
    private func checkOut() throws -> PooledConnection {
        let idle = try state.withLock { state in
            guard !state.closed else { throw PostgresError.poolClosed }
            return state.idle.popLast()
        }
        if let idle, !idle.connection.isBroken { return idle }
        idle?.connection.close()
        return PooledConnection(try PostgresConnection(connectionString: connectionString, connectTimeoutSeconds: connectTimeoutSeconds))
    }

    /// On a pool thread: back to the idle list, rolled back first if `body` left a transaction open.
    private func checkIn(_ pooled: PooledConnection) {
        let connection = pooled.connection
        if !connection.isBroken && !connection.isIdle { _ = try? connection.query("ROLLBACK") }
        guard !connection.isBroken, connection.isIdle else {
            connection.close()
            return
        }
        let kept = state.withLock { state in
            guard !state.closed else { return false }
            state.idle.append(pooled)
            return true
        }
        if !kept { connection.close() }
    }
}
