public import Foundation
public import GRDB
import OpenSSLCrypto

/// The one SQLite file of the service: WAL, `synchronous=NORMAL`, foreign keys, migrations run on
/// open, and most of the checkpoint work in the background (`WALCheckpointer`).
public struct IncentiveDatabase: Sendable {
    public static let fileName = "incentives.sqlite"
    public let writer: DatabasePool
    let activePrograms = ActiveProgramCache()
    private let inlineReaders: InlineReaders
    /// Nil on a read-only store, which never writes.
    private let checkpointer: WALCheckpointer?

    static let autoCheckpointPages = 10_000

    /// Opens (creating if needed) the database in `directory` and migrates it.
    public init(directory: URL) throws {
        try SecureFile.createPrivateDirectory(directory)
        let path = directory.appendingPathComponent(Self.fileName).path
        try Self.createPrivateFile(path)
        let configuration = Self.configuration()
        writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(writer)
        inlineReaders = InlineReaders(path: path, configuration: configuration)
        checkpointer = try WALCheckpointer(path: path, configuration: configuration)
    }

    /// Opens an existing, fully migrated store for reading only: creates, migrates and writes
    /// nothing (`incentives audit verify`).
    public static func openReadOnly(directory: URL) throws -> IncentiveDatabase {
        try IncentiveDatabase(readOnlyDirectory: directory)
    }

    private init(readOnlyDirectory directory: URL) throws {
        let path = directory.appendingPathComponent(Self.fileName).path
        guard FileManager.default.fileExists(atPath: path) else { throw StoreOpenError.noStore(path: path) }
        var configuration = Self.configuration()
        configuration.readonly = true
        writer = try DatabasePool(path: path, configuration: configuration)
        let pending = try writer.read { db in try Set(Self.migrator.migrations).subtracting(Self.migrator.appliedIdentifiers(db)) }
        guard pending.isEmpty else { throw StoreOpenError.notMigrated(path: path, pending: pending.sorted()) }
        inlineReaders = InlineReaders(path: path, configuration: configuration)
        checkpointer = nil
    }

    /// SQLite would create the file with mode 0644; its -wal and -shm files copy the database's
    /// mode, so making it 0600 first keeps all three private. A store made before the data folder
    /// was private (0755, 0644) is made private here too: the database holds the audit log and
    /// the hashes of every secret.
    private static func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
        } else if errno != EEXIST {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        chmod((path as NSString).deletingLastPathComponent, mode_t(SecureFile.privateFolderMode))
        for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o600) }
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // CLI commands may write while the server runs: wait for the lock instead of failing.
        // (GRDB pools open write transactions IMMEDIATE already.)
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The writer's own checkpoint (WALCheckpointer does most of the copying) waits for
            // 10,000 pages instead of 1,000: a tenth as many syncs inside a commit, and a page
            // rewritten by many commits is copied once. A WAL of up to about 40 MB in exchange;
            // in bench-events POST /v1/events p99 on one connection went from about 2.9 to 1.5 ms.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.autoCheckpointPages)")
        }
        return configuration
    }

    /// Runs a short read on the calling thread instead of GRDB's reader queues.
    ///
    /// For the reads of every request (credentials, revocation checks, a feed page): they are
    /// microseconds of SQLite work on cached pages, while hopping to a reader queue and back costs
    /// two thread wake-ups, which profiles of the token, introspection and feed endpoints showed to
    /// be a larger share of a request than the reads themselves. WAL readers never wait for the
    /// writer, so the calling thread is busy only for the read itself: keep long scans on the async
    /// `writer.read`, which does not hold a cooperative thread. There is no enclosing transaction:
    /// an answer that must be consistent across tables has to come from one statement.
    public func readNow<T>(_ value: (Database) throws -> T) throws -> T {
        try inlineReaders.read(value)
    }

    /// Runs the migrations only (`incentives migrate`); returns the applied identifiers.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try Self.migrator.appliedMigrations(db) }
    }

    static var migrator: DatabaseMigrator { MigrationTimeline.migrator }
}
