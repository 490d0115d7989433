/// A value sent as a text parameter (`$1`, `$2`, ...); `nil` text is SQL NULL.
public protocol PostgresParameter: Sendable {
    var postgresText: String? { get }
}

extension String: PostgresParameter {
    public var postgresText: String? { self }
}

extension Int: PostgresParameter {
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresParameter {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresParameter {
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresParameter {
    public var postgresText: String? { self ? "true" : "false" }
}

extension Double: PostgresParameter {
    /// Swift spells the special values `inf` and `nan`; these are PostgreSQL's spellings.
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
}

extension Optional: PostgresParameter where Wrapped: PostgresParameter {
    public var postgresText: String? { self?.postgresText }
}
