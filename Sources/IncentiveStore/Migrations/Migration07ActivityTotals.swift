/// Running event counts per user, type and value, so `total-events` without `starts_at` sums a
/// handful of rows instead of every active day of the history.
enum Migration07ActivityTotals: FrozenMigration {
    static let identifier = "v7-activity-totals"
    static let sql = """
        CREATE TABLE activityTotal (
            userId TEXT NOT NULL, type TEXT NOT NULL, hasValue BOOLEAN NOT NULL, value TEXT NOT NULL,
            events INTEGER NOT NULL,
            PRIMARY KEY (userId, type, hasValue, value)
        ) WITHOUT ROWID;

        INSERT INTO activityTotal (userId, type, hasValue, value, events)
        SELECT userId, type, hasValue, value, SUM(events) FROM activityDay GROUP BY userId, type, hasValue, value;
        """
}
