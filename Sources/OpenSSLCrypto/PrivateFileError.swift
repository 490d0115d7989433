/// Why a file of secrets was refused. Each is one line for the operator: the file is kept as it
/// is, never replaced (a new audit key would leave the chain unverifiable, a new HMAC key would
/// void every API key and client secret).
public enum PrivateFileError: Error, CustomStringConvertible, Equatable {
    /// Readable or writable by group or others.
    case exposed(path: String, mode: UInt32)
    /// Not the expected content (length, encoding, PEM).
    case malformed(path: String, reason: String)
    /// Expected but absent (a command that must not create keys).
    case missing(path: String)
    /// Present but not a regular file, or not readable by us.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .exposed(let path, let mode):
            "\(path) is accessible to group or others (mode \(String(mode & 0o777, radix: 8))); refusing to use it: chmod 600 it, or remove it if it may have leaked"
        case .malformed(let path, let reason):
            "\(path) is malformed (\(reason)); refusing to start rather than replace it: restore it from a backup"
        case .missing(let path):
            "\(path) does not exist"
        case .unreadable(let path, let reason):
            "\(path) cannot be read (\(reason)); refusing to start rather than replace it"
        }
    }
}
