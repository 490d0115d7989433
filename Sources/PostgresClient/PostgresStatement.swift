/// A prepared statement: prepared once per connection under `name` on first use, then executed
/// by name (`PostgresConnection.execute`). Give each distinct SQL text its own constant name.
public struct PostgresStatement: Sendable, Hashable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        // The empty name is libpq's unnamed statement, which each new preparation replaces.
        precondition(!name.isEmpty, "a prepared statement needs a name")
        self.name = name
        self.sql = sql
    }
}
