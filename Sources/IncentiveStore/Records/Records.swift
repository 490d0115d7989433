public import Foundation
public import GRDB

public struct EmployerRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "employer"
    public var id: String
    public var name: String
    public var createdAt: Date
}

public struct UserRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "user"
    public var id: String
    public var employerId: String?
    public var timezone: String
    public var username: String?
    public var passwordHash: String?
    public var createdAt: Date
}

public struct ProgramRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "program"
    public var id: String
    public var employerId: String
    public var name: String
    public var incentive: String
    /// The rule's parameters as a canonical JSON object.
    public var parameters: String
    public var rewardName: String
    public var rewardDescription: String?
    public var rewardPayload: String?
    public var repeatable: Bool
    public var active: Bool
    public var startsAt: Date?
    public var endsAt: Date?
    public var createdAt: Date
}

extension ProgramRecord {
    /// Read by column rather than through `Decodable`: every event reads its employer's programs
    /// (decoding them was a fifth of the writer's time per event under load).
    public init(row: Row) throws {
        id = row["id"]
        employerId = row["employerId"]
        name = row["name"]
        incentive = row["incentive"]
        parameters = row["parameters"]
        rewardName = row["rewardName"]
        rewardDescription = row["rewardDescription"]
        rewardPayload = row["rewardPayload"]
        repeatable = row["repeatable"]
        active = row["active"]
        startsAt = row["startsAt"]
        endsAt = row["endsAt"]
        createdAt = row["createdAt"]
    }
}

public struct EventRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"
    public var seq: Int64?
    public var userId: String
    public var eventId: String
    public var type: String
    public var value: String?
    public var occurredAt: Date
    /// The zone the local date was computed in; `timezoneGiven` is what the request said, if anything.
    public var timezone: String
    public var timezoneGiven: String?
    public var localDay: Int
    public var employerId: String?
    public var evaluation: String
    public var receivedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}

public struct AchievementRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "achievement"
    public var seq: Int64?
    public var id: String
    public var userId: String
    public var employerId: String
    public var programId: String
    public var programName: String
    public var incentive: String
    public var rewardName: String
    public var rewardDescription: String?
    public var rewardPayload: String?
    public var periodKey: String
    public var achievedAt: Date
    public var achievedOn: String
    /// JSON array of event ids.
    public var eventIds: String
    public var eventSeq: Int64

    public mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}

extension AchievementRecord {
    /// Read by column rather than through `Decodable`, which cost a tenth of a 100-row page when
    /// the partner feed still read these (it reads `PartnerFeedColumns` now; the app's lists and event
    /// replies read these). The columns are NOT NULL where the properties are.
    public init(row: Row) throws {
        seq = row["seq"]
        id = row["id"]
        userId = row["userId"]
        employerId = row["employerId"]
        programId = row["programId"]
        programName = row["programName"]
        incentive = row["incentive"]
        rewardName = row["rewardName"]
        rewardDescription = row["rewardDescription"]
        rewardPayload = row["rewardPayload"]
        periodKey = row["periodKey"]
        achievedAt = row["achievedAt"]
        achievedOn = row["achievedOn"]
        eventIds = row["eventIds"]
        eventSeq = row["eventSeq"]
    }
}

public struct JobRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "job"
    public var id: Int64?
    public var eventSeq: Int64
    public var state: String
    public var attempts: Int
    public var runAfter: Date
    public var lastError: String?
    public var createdAt: Date
    /// JSON array of the program ids active at receipt; nil evaluates the employer's active programs.
    public var programIds: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct APIKeyRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "apiKey"
    public var id: String
    public var name: String
    public var hash: String
    /// Space-separated scopes.
    public var scopes: String
    public var createdAt: Date
    public var revokedAt: Date?
}
