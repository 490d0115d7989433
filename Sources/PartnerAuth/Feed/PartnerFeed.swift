import Foundation
import GRDB
import GRDBSQLite
public import IncentiveStore

/// What a partner may pull: achievements in the programs it manages, of users whose grant to it
/// is active at the call, in the order they entered the partner's feed. A user-bound token sees
/// its user only.
public struct PartnerFeed: Sendable {
    /// Every partner's positions lie above this (migration v14: a random start, random gaps): a
    /// `since` or cursor below it, but above 0, is a global award sequence from before positions
    /// were the partner's own.
    public static let positionOrigin: Int64 = 1_000_000_000_000

    let database: IncentiveDatabase

    public init(database: IncentiveDatabase) {
        self.database = database
    }

    /// Hands `row` each achievement after `position` of the feed of the partner `clientID` that it may see
    /// now, at most `limit`, read from its feed index (DESIGN §5). Positions are the partner's own: a row
    /// takes the partner's next one when it enters the feed, at its award or when a grant backfills it. The index holds exactly the rows of active grants: the
    /// triggers that keep it run in the transaction that grants or revokes, so a revoke takes the
    /// user's rows out before it commits (a check of the grant on every row here, once kept as a
    /// second guard, was a sixth of the page query). At most 201 rows on an index range, so it runs on the
    /// calling thread (`readNow`), stepping the statement itself so that `row` reads SQLite's buffers.
    public func page(
        clientID: String, userID: String?, after position: Int64, limit: Int, row: (PartnerFeedColumns) throws -> Void
    ) throws {
        var sql = """
            SELECT \(PartnerFeedColumns.selectList) FROM partnerFeedEntry entry JOIN achievement ON achievement.seq = entry.seq
            WHERE entry.clientId = ? AND entry.position > ?
            """
        var arguments: StatementArguments = [clientID, position]
        if let userID {
            sql += " AND entry.userId = ?"
            arguments += [userID]
        }
        sql += " ORDER BY entry.position LIMIT ?"
        arguments += [limit]
        let (query, values) = (sql, arguments)
        try database.readNow { db in
            let statement = try db.cachedStatement(sql: query)
            try statement.setArguments(values)
            defer { sqlite3_reset(statement.sqliteStatement) }
            while true {
                switch sqlite3_step(statement.sqliteStatement) {
                case SQLITE_ROW: try row(PartnerFeedColumns(statement: statement.sqliteStatement))
                case SQLITE_DONE: return
                case let code:
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: query)
                }
            }
        }
    }
}
