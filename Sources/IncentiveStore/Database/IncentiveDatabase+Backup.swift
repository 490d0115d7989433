public import Foundation
import GRDB

extension IncentiveDatabase {
    public enum BackupError: Error, CustomStringConvertible {
        case destinationExists(String)
        case corruptCopy(String)

        public var description: String {
            switch self {
            case .destinationExists(let path): "\(path) exists; choose a new file"
            case .corruptCopy(let report): "the copy failed its integrity check: \(report)"
            }
        }
    }

    /// An online, consistent copy of the database at `destination` (one read snapshot, taken while
    /// the server keeps writing), checked with `PRAGMA integrity_check`. Written beside the
    /// destination first and renamed into place, so no half-written backup ever carries its name.
    /// Restoring is copying the file back as `incentives.sqlite` while the server is stopped.
    public func backup(to destination: URL) throws {
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: destination.path) else { throw BackupError.destinationExists(destination.path) }
        let partial = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial")
        defer { try? fileManager.removeItem(at: partial) }
        let copy = try DatabaseQueue(path: partial.path)
        try writer.backup(to: copy)
        let report = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        try copy.close()
        guard report == ["ok"] else { throw BackupError.corruptCopy(report.joined(separator: "; ")) }
        try fileManager.moveItem(at: partial, to: destination)
    }
}
