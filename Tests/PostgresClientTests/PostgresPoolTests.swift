import Foundation
import PostgresClient
import Testing

@Suite("PostgresPool on a real server", .requiresPostgres)
struct PostgresPoolTests {
    struct Refused: Error {}

    @Test("withTransaction commits on return and rolls back on throw")
    func commitAndRollback() async throws {
        let pool = try TestServer.pool(maximumConnections: 1)
        try await pool.withConnection { connection in
            try connection.query("DROP TABLE IF EXISTS pool_rollback")
            try connection.query("CREATE TABLE pool_rollback (id int PRIMARY KEY)")
        }
        try await pool.withTransaction { try $0.query("INSERT INTO pool_rollback VALUES (1)") }
        await #expect(throws: Refused.self) {
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO pool_rollback VALUES (2)")
                throw Refused()
            }
        }
        let ids = try await pool.withConnection { connection in
            try connection.query("SELECT id FROM pool_rollback ORDER BY id").rows.map { try $0.int64("id") }
        }
        #expect(ids == [1])
        await pool.close()
    }

    @Test("two transactions open at once on two connections, each seeing only its own row until both commit")
    func concurrentTransactions() async throws {
        let pool = try TestServer.pool(maximumConnections: 2)
        try await pool.withConnection { connection in
            try connection.query("DROP TABLE IF EXISTS pool_concurrent")
            try connection.query("CREATE TABLE pool_concurrent (side text PRIMARY KEY)")
        }
        let bothInserted = Rendezvous()
        let bothRead = Rendezvous()  // neither commits before the other has read
        func side(_ name: String, _ role: Rendezvous.Side) async throws -> (pid: Int32, visible: [String]) {
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO pool_concurrent (side) VALUES ($1)", [name])
                try bothInserted.arrive(as: role)
                let visible = try connection.query("SELECT side FROM pool_concurrent ORDER BY side").rows.map { try $0.string("side") ?? "" }
                try bothRead.arrive(as: role)
                return (connection.backendProcessID, visible)
            }
        }
        async let first = side("first", .first)
        async let second = side("second", .second)
        let (a, b) = try await (first, second)
        #expect(a.pid != b.pid)
        #expect(a.visible == ["first"])
        #expect(b.visible == ["second"])
        let all = try await pool.withConnection { connection in
            try connection.query("SELECT side FROM pool_concurrent ORDER BY side").rows.map { try $0.string("side") }
        }
        #expect(all == ["first", "second"])
        await pool.close()
    }

    @Test("two transactions locking rows in opposite order: one gets .deadlockDetected, the other commits")
    func deadlockDetected() async throws {
        let pool = try TestServer.pool(maximumConnections: 2)
        try await pool.withConnection { connection in
            try connection.query("DROP TABLE IF EXISTS pool_deadlock")
            try connection.query("CREATE TABLE pool_deadlock (id int PRIMARY KEY, n int NOT NULL)")
            try connection.query("INSERT INTO pool_deadlock VALUES (1, 0), (2, 0)")
        }
        let bothLocked = Rendezvous()
        func side(first: Int, then: Int, _ role: Rendezvous.Side) async -> PostgresError? {
            do {
                try await pool.withTransaction { connection in
                    let lock = PostgresStatement(name: "deadlock_lock", sql: "UPDATE pool_deadlock SET n = n + 1 WHERE id = $1")
                    try connection.execute(lock, [first])
                    try bothLocked.arrive(as: role)
                    try connection.execute(lock, [then])
                }
                return nil
            } catch let error as PostgresError {
                return error
            } catch {
                Issue.record("unexpected \(error)")
                return nil
            }
        }
        async let a = side(first: 1, then: 2, .first)
        async let b = side(first: 2, then: 1, .second)
        let errors = await [a, b].compactMap { $0 }
        print("the deadlock's outcome: \(errors)")
        #expect(errors.count == 1)
        guard case .deadlockDetected(let message)? = errors.first else {
            Issue.record("expected one .deadlockDetected, got \(errors)")
            return
        }
        #expect(message.sqlState == .deadlockDetected)
        #expect(errors.allSatisfy { $0.isRetryableTransaction })
        let total = try await pool.withConnection { try $0.query("SELECT sum(n) AS n FROM pool_deadlock").singleRow().int64("n") }
        #expect(total == 2)
        await pool.close()
    }

    @Test("libpq calls run on the pool's own threads, outside any task, never on the caller's thread")
    func blockingCallsLeaveTheCooperativePool() async throws {
        let pool = try TestServer.pool(maximumConnections: 2)
        let caller = pthread_self()
        let (inTask, thread, name) = try await pool.withConnection { connection in
            try connection.query("SELECT 1")
            // A body run on Swift's cooperative pool would have a current task.
            return (withUnsafeCurrentTask { $0 != nil }, pthread_self(), Thread.current.name ?? "")
        }
        print("the calling task's thread: \(caller); the query's thread: \(thread) \"\(name)\"")
        #expect(!inTask)
        #expect(pthread_equal(caller, thread) == 0)
        await pool.close()
    }

    @Test("more callers than connections wait their turn: never more server sessions than the bound")
    func boundedConnections() async throws {
        let pool = try TestServer.pool(maximumConnections: 2)
        let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try connection.query("SELECT pg_sleep(0.01)")
                        return connection.backendProcessID
                    }
                }
            }
            return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
        }
        #expect(pids.count <= 2)
        #expect(!pids.isEmpty)
        await pool.close()
    }

    @Test("a connection the server closed fails its call, then is replaced on the next use")
    func reconnectsABrokenConnection() async throws {
        let pool = try TestServer.pool(maximumConnections: 1)
        let admin = try TestServer.pool(maximumConnections: 1)
        let before = try await pool.withConnection { $0.backendProcessID }
        let terminated = try await admin.withConnection { connection in
            // Waits (up to a generous minute) until the server process has really exited.
            try connection.query("SELECT pg_terminate_backend($1, 60000) AS done", [before]).singleRow().bool("done")
        }
        #expect(terminated == true)
        let error = try await #require(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        print("the call on the terminated connection: \(error)")
        #expect(error.isConnectionFailure)
        let after = try await pool.withConnection { connection in
            (connection.backendProcessID, try connection.query("SELECT 1 AS one").singleRow().int64("one"))
        }
        #expect(after.0 != before)
        #expect(after.1 == 1)
        await pool.close()
        await admin.close()
    }

    @Test("a connection given back inside a transaction is rolled back before its next use")
    func rollsBackALeftOpenTransaction() async throws {
        let pool = try TestServer.pool(maximumConnections: 1)
        try await pool.withConnection { connection in
            try connection.query("DROP TABLE IF EXISTS pool_left_open")
            try connection.query("CREATE TABLE pool_left_open (id int)")
            try connection.query("BEGIN")
            try connection.query("INSERT INTO pool_left_open VALUES (1)")
        }
        let count = try await pool.withConnection { connection in
            try connection.query("SELECT count(*) AS c FROM pool_left_open").singleRow().int64("c")
        }
        #expect(count == 0)
        await pool.close()
    }

    @Test("a closed pool refuses work with .poolClosed")
    func closedPool() async throws {
        let pool = try TestServer.pool(maximumConnections: 1)
        try await pool.withConnection { try $0.query("SELECT 1") }
        await pool.close()
        await #expect(throws: PostgresError.poolClosed) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
    }
}
