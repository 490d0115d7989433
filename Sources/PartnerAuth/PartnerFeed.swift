public import Foundation
import GRDB
public import IncentiveStore

/// What a partner may pull: achievements in the programs it manages, of users whose grant to it
/// is active at the call, in award order. A user-bound token sees its user only.
public struct PartnerFeed: Sendable {
    let database: IncentiveDatabase

    public init(database: IncentiveDatabase) {
        self.database = database
    }

    public func page(partner: PartnerRecord, userID: String?, after sequence: Int64, limit: Int) async throws -> [AchievementRecord] {
        let programs = partner.programIDList
        guard !programs.isEmpty else { return [] }
        var sql = """
            SELECT achievement.* FROM achievement
            WHERE achievement.seq > ? AND achievement.programId IN (\(programs.map { _ in "?" }.joined(separator: ",")))
              AND EXISTS (SELECT 1 FROM "grant" WHERE "grant".userId = achievement.userId
                          AND "grant".clientId = ? AND "grant".revokedAt IS NULL)
            """
        var arguments: StatementArguments = [sequence]
        arguments += StatementArguments(programs)
        arguments += [partner.clientId]
        if let userID {
            sql += " AND achievement.userId = ?"
            arguments += [userID]
        }
        sql += " ORDER BY achievement.seq LIMIT ?"
        arguments += [limit]
        let (query, values) = (sql, arguments)
        return try await database.writer.read { db in try AchievementRecord.fetchAll(db, sql: query, arguments: values) }
    }
}
