/// Why a store could not be opened for reading only.
public enum StoreOpenError: Error, CustomStringConvertible, Equatable {
    case noStore(path: String)
    case notMigrated(path: String, pending: [String])

    public var description: String {
        switch self {
        case .noStore(let path):
            "no store at \(path): check --data-dir (incentives serve or migrate creates one)"
        case .notMigrated(let path, let pending):
            "the store at \(path) is not migrated (\(pending.joined(separator: ", ")) pending): run incentives migrate first"
        }
    }
}
