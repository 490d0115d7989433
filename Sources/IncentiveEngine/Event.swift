public import Foundation

/// Something a user logged in the app, as the engine sees it.
public struct Event: Sendable, Equatable {
    public let id: String
    public let userID: String
    public let type: String
    /// Matched exactly and case-sensitively; `""` is a value, nil is none.
    public let value: String?
    public let occurredAt: Date
    /// The time zone the local date was computed in (the event's, else the user's).
    public let timeZone: TimeZone
    /// The calendar date in that time zone, fixed at receipt.
    public let localDate: LocalDate

    public init(id: String, userID: String, type: String, value: String?, occurredAt: Date, timeZone: TimeZone) {
        self.id = id
        self.userID = userID
        self.type = type
        self.value = value
        self.occurredAt = occurredAt
        self.timeZone = timeZone
        self.localDate = LocalDate(occurredAt, in: timeZone)
    }
}
