import GRDB
import Synchronization

/// Read-only connections that run a read on the calling thread, for `IncentiveDatabase.readNow`.
///
/// They are separate from the `DatabasePool`'s readers on purpose: an async pool read gives its
/// connection back only after its task resumes on a cooperative thread, so a synchronous read
/// blocking a cooperative thread while waiting for a pool connection can deadlock the process
/// (seen with 16 concurrent feed calls). These connections are never held across a suspension
/// point and a caller never waits for one: a busy moment opens another.
final class InlineReaders: Sendable {
    private let path: String
    private let configuration: Configuration
    private let idle = Mutex<[DatabaseQueue]>([])
    /// More idle connections than threads that can read at once would only hold file handles.
    private let keptIdle = 16

    init(path: String, configuration: Configuration) {
        var configuration = configuration
        configuration.readonly = true
        self.path = path
        self.configuration = configuration
    }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? DatabaseQueue(path: path, configuration: configuration)
        defer { idle.withLock { if $0.count < keptIdle { $0.append(connection) } } }
        // No explicit transaction: each statement is its own consistent snapshot, which is all the
        // single-statement reads that use this need, and BEGIN/COMMIT were a third of their cost.
        return try connection.unsafeRead(value)
    }
}
