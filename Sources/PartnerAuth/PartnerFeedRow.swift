public import GRDB
import IncentiveStore

/// One achievement as the partner feed reads it: the columns a page shows, read by position from
/// the feed query (by name, GRDB hashed each column name per row: a twentieth of a page).
public struct PartnerFeedRow: Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var userId: String
    public var programId: String
    public var programName: String
    public var incentive: String
    public var rewardName: String
    public var rewardDescription: String?
    public var rewardPayload: String?
    public var periodKey: String
    /// As stored: GRDB writes `YYYY-MM-DD HH:MM:SS.SSS` text in UTC.
    public var achievedAt: DatabaseValue
    public var achievedOn: String
    public var eventIds: [String]

    /// The select list `init(row:)` reads, in its order.
    static let columns = """
        achievement.seq, achievement.id, achievement.userId, achievement.programId, achievement.programName,
        achievement.incentive, achievement.rewardName, achievement.rewardDescription, achievement.rewardPayload,
        achievement.periodKey, achievement.achievedAt, achievement.achievedOn, achievement.eventIds
        """

    init(row: Row) {
        seq = row[0]
        id = row[1]
        userId = row[2]
        programId = row[3]
        programName = row[4]
        incentive = row[5]
        rewardName = row[6]
        rewardDescription = row[7]
        rewardPayload = row[8]
        periodKey = row[9]
        achievedAt = row[10]
        achievedOn = row[11]
        eventIds = JSONStringList.decode(row[12])
    }
}
