public import GRDB
import GRDBSQLite

/// The current row of the partner feed query, read straight from SQLite's buffers, so a page is
/// written without making a Swift string of each of its 1,300 column values. Valid only inside the
/// `PartnerFeed.page` callback that receives it: the next step of the query overwrites it.
public struct PartnerFeedColumns {
    /// The select list, in the order of `Column`.
    public enum Column: Int32, CaseIterable {
        case position, id, userId, programId, programName, incentive, rewardName, rewardDescription, rewardPayload,
             periodKey, achievedAt, achievedOn, eventIds
    }

    /// The partner's own position, then the achievement's columns.
    static let selectList = Column.allCases.map { $0 == .position ? "entry.position" : "achievement.\($0)" }.joined(separator: ", ")

    let statement: SQLiteStatement

    public func int64(_ column: Column) -> Int64 {
        sqlite3_column_int64(statement, column.rawValue)
    }

    /// The value's bytes as text (UTF-8), or nil for NULL.
    public func text(_ column: Column) -> UnsafeRawBufferPointer? {
        guard let start = sqlite3_column_text(statement, column.rawValue) else { return nil }
        return UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, column.rawValue)))
    }

    public func isText(_ column: Column) -> Bool {
        sqlite3_column_type(statement, column.rawValue) == SQLITE_TEXT
    }

    /// The value as GRDB reads it, for the rare forms the fast paths do not take.
    public func databaseValue(_ column: Column) -> DatabaseValue {
        DatabaseValue(sqliteStatement: statement, index: column.rawValue)
    }
}
