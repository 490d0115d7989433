/// A type a column's text form (the server's output function) reads as.
public protocol PostgresColumnDecodable: Sendable {
    init?(postgresText: String)
}

extension String: PostgresColumnDecodable {
    public init?(postgresText: String) { self = postgresText }
}

extension Int64: PostgresColumnDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int: PostgresColumnDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Bool: PostgresColumnDecodable {
    /// `boolean` is always written `t` or `f`.
    public init?(postgresText: String) {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

extension Double: PostgresColumnDecodable {
    /// Swift reads PostgreSQL's `Infinity`, `-Infinity` and `NaN` as well as its numbers.
    public init?(postgresText: String) { self.init(postgresText) }
}
