import Foundation

/// Files of secrets and the folders that hold them. Written with mode 0600 (never readable by
/// others, not even for a moment), flushed to disk, then moved into place atomically by rename;
/// folders are made 0700. Read back only when still private.
public enum SecureFile {
    public static let privateFolderMode = 0o700

    public static func write(_ data: Data, to url: URL, mode: Int = 0o600) throws {
        try createPrivateDirectory(url.deletingLastPathComponent())
        let temporary = url.appendingPathExtension("tmp")
        unlink(temporary.path)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw failure(temporary) }
        var written = 0
        let complete = data.withUnsafeBytes { bytes -> Bool in
            while written < bytes.count {
                let result = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                guard result > 0 else { return false }
                written += result
            }
            return true
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard complete, synced, rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw failure(url)
        }
    }

    /// Makes `url` and any missing parents with mode 0700 (an existing folder is left as it is).
    public static func createPrivateDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: privateFolderMode])
    }

    /// The file's bytes, or nil when it does not exist. Refuses a file that group or others may
    /// read or write, and anything but a regular file.
    public static func readPrivate(_ url: URL) throws -> Data? {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw PrivateFileError.unreadable(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        // fstat on the descriptor we read from: no window between the check and the read.
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & 0o170000 == 0o100000 else {
            throw PrivateFileError.unreadable(path: url.path, reason: "not a regular file")
        }
        guard status.st_mode & 0o077 == 0 else { throw PrivateFileError.exposed(path: url.path, mode: UInt32(status.st_mode)) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            guard count >= 0 else { throw PrivateFileError.unreadable(path: url.path, reason: String(cString: strerror(errno))) }
            if count == 0 { return data }
            data.append(contentsOf: buffer[..<count])
        }
    }

    private static func failure(_ url: URL) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)])
    }
}
