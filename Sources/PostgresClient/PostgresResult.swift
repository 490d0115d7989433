/// The outcome of one statement, copied out of libpq's result (which is freed at once), so it can
/// leave the connection's thread.
public struct PostgresResult: Sendable {
    public let columns: PostgresColumns
    public let rows: [PostgresRow]
    /// The command tag, e.g. `INSERT 0 1`, `SELECT 2`, `COMMIT`.
    public let commandTag: String
    /// Rows inserted, updated, deleted, selected ... when the command tag counts any.
    public let affectedRowCount: Int?

    public init(columns: PostgresColumns, rows: [PostgresRow], commandTag: String, affectedRowCount: Int?) {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
        self.affectedRowCount = affectedRowCount
    }

    /// The only row; throws when there is none.
    public func singleRow() throws -> PostgresRow {
        guard let row = rows.first, rows.count == 1 else { throw PostgresError.unexpectedRowCount(rows.count) }
        return row
    }
}
