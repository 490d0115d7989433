public import Foundation

/// An event as the app submits it, already parsed.
public struct EventSubmission: Sendable, Equatable {
    public var eventID: String
    public var userID: String
    public var type: String
    public var value: String?
    public var occurredAt: Date
    public var timezone: String?

    public init(eventID: String, userID: String, type: String, value: String?, occurredAt: Date, timezone: String?) {
        self.eventID = eventID
        self.userID = userID
        self.type = type
        self.value = value
        self.occurredAt = occurredAt
        self.timezone = timezone
    }

    /// Whether a stored event came from this same submission (an idempotent replay).
    func isSameSubmission(as stored: EventRecord) -> Bool {
        stored.type == type && stored.value == value && stored.timezoneGiven == timezone
            && abs(stored.occurredAt.timeIntervalSince(occurredAt)) < 0.001
    }
}

/// What became of a submitted event.
public struct IntakeResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Stored and evaluated now (201).
        case created
        /// Stored; evaluation left to a job (202).
        case pending
        /// The same submission again: its current result (200, `Idempotent-Replayed: true`).
        case replayed
    }

    public let outcome: Outcome
    public let event: EventRecord
    public let achievements: [AchievementRecord]
}

public enum IntakeError: Error, Equatable, Sendable {
    /// The event id is taken by a different event of this user (409).
    case conflictingEvent
    /// Not an IANA time zone (422).
    case unknownTimeZone(String)
    /// More than the tolerance in the future (422).
    case eventInFuture
}
