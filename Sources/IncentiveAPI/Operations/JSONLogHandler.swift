import Foundation
import IncentiveStore
public import Logging
import Synchronization

/// One JSON object per line on standard error: time, level, logger, message and metadata (which
/// carries `hb.request.id` inside a request). Nothing secret is ever put into log metadata: tokens,
/// keys, passwords and query strings stay out at the call sites (see `AccessLogMiddleware`).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = "\(value)"
        }
        if let error = event.error { fields["error"] = "\(error)" }
        fields["time"] = (try? LenientDateTranscoder().encode(Date())) ?? ""
        fields["level"] = event.level.rawValue
        fields["logger"] = label
        fields["message"] = "\(event.message)"
        let line = Data(Self.line(fields))
        Self.output.withLock { _ in FileHandle.standardError.write(line) }
    }

    /// The fields as one JSON object with sorted keys and a newline, written with `JSONWriter`
    /// (through `JSONEncoder` the access log line was a tenth of an event request's own work).
    static func line(_ fields: [String: String]) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 320)
        json.raw("{")
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { json.raw(",") }
            json.string(key)
            json.raw(":")
            json.string(fields[key])
        }
        json.raw("}\n")
        return json.finish()
    }

    /// Keeps lines whole when several threads log at once.
    private static let output = Mutex(())
}
