import GRDB

// Inserts on the writers' paths (events, audit rows), by cached statements with their columns spelled out: GRDB's
// record insert encodes through `Encodable` and builds its statement arguments column by column,
// which was a seventh of the writer's time. The values are bound as the record insert binds them
// (`DatabaseValueConvertible`, dates as GRDB's text), so rows read back the same.

extension EventRecord {
    mutating func insertOnWriterPath(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO event (userId, eventId, type, value, occurredAt, timezone, timezoneGiven, localDay, employerId,
                               evaluation, receivedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [userId, eventId, type, value, occurredAt, timezone, timezoneGiven, localDay, employerId,
                                     evaluation, receivedAt])
        seq = db.lastInsertedRowID
    }
}

extension AchievementRecord {
    mutating func insertOnWriterPath(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO achievement (id, userId, employerId, programId, programName, incentive, rewardName, rewardDescription,
                                     rewardPayload, periodKey, achievedAt, achievedOn, eventIds, eventSeq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, userId, employerId, programId, programName, incentive, rewardName, rewardDescription,
                                     rewardPayload, periodKey, achievedAt, achievedOn, eventIds, eventSeq])
        seq = db.lastInsertedRowID
    }
}

extension AuditRecord {
    /// Every audited request appends one, on the audit writer.
    mutating func insertOnWriterPath(_ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO auditEvent (seq, at, type, outcome, clientId, userId, subject, grantId, jti, path, status, rows, address,
                                    requestId, detail, mac)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [seq, at, type, outcome, clientId, userId, subject, grantId, jti, path, status, rows, address,
                                     requestId, detail, mac])
        seq = db.lastInsertedRowID
    }
}
