/// The fields of an error the server reported, as it sent them.
public struct PostgresServerMessage: Sendable, Hashable, CustomStringConvertible {
    public let sqlState: SQLState
    /// The primary message, e.g. `duplicate key value violates unique constraint "user_email_key"`.
    public let message: String
    public let detail: String?
    /// The constraint a violation names, when it names one.
    public let constraint: String?

    public init(sqlState: SQLState, message: String, detail: String? = nil, constraint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
    }

    public var description: String { "\(sqlState): \(message)" }
}
