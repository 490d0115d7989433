/// Run walks ask for the dates with a matching type and value in a date range. The index by
/// user and date alone sent every row of the range back to the table for its type and value;
/// this one answers from the index (the same columns, so it replaces the old index).
enum Migration08ActivityDayCoveringIndex: FrozenMigration {
    static let identifier = "v8-activity-day-covering-index"
    static let sql = """
        CREATE INDEX activityDay_byDayCovering ON activityDay(userId, localDay, type, hasValue, value);
        DROP INDEX activityDay_byDay;
        """
}
