/// Which dates have events, per user, type and value, as the bits of 64-date blocks
/// (`localDay >> 6`; bit `localDay & 63`), kept by triggers on `activityDay`. A run walk reads
/// a few rows per block instead of a row per date and type and value, so a run of two years
/// costs a few short reads instead of a walk over every one of its dates.
///
/// The backfill sums the bits of a group's rows: they are distinct dates, so the sum is their union.
enum Migration13ActivityMasks: FrozenMigration {
    static let identifier = "v13-activity-masks"
    static let sql = """
        CREATE TABLE activityMask (
            userId TEXT NOT NULL, block INTEGER NOT NULL, type TEXT NOT NULL, hasValue BOOLEAN NOT NULL, value TEXT NOT NULL,
            days INTEGER NOT NULL,
            PRIMARY KEY (userId, block, type, hasValue, value)
        ) WITHOUT ROWID;

        INSERT INTO activityMask (userId, block, type, hasValue, value, days)
        SELECT userId, localDay >> 6, type, hasValue, value, SUM(1 << (localDay & 63))
        FROM activityDay GROUP BY userId, localDay >> 6, type, hasValue, value;

        CREATE TRIGGER activityMask_onNewDay AFTER INSERT ON activityDay BEGIN
            INSERT INTO activityMask (userId, block, type, hasValue, value, days)
        VALUES (NEW.userId, NEW.localDay >> 6, NEW.type, NEW.hasValue, NEW.value, 1 << (NEW.localDay & 63))
        ON CONFLICT DO UPDATE SET days = days | excluded.days;
        END;

        CREATE TRIGGER activityMask_onRemovedDay AFTER DELETE ON activityDay BEGIN
            UPDATE activityMask SET days = days & ~(1 << (OLD.localDay & 63)) WHERE userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value;
        DELETE FROM activityMask WHERE userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value AND days = 0;
        END;

        CREATE TRIGGER activityMask_onMovedDay AFTER UPDATE OF userId, type, hasValue, value, localDay ON activityDay BEGIN
            UPDATE activityMask SET days = days & ~(1 << (OLD.localDay & 63)) WHERE userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value;
        DELETE FROM activityMask WHERE userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value AND days = 0;
            INSERT INTO activityMask (userId, block, type, hasValue, value, days)
        VALUES (NEW.userId, NEW.localDay >> 6, NEW.type, NEW.hasValue, NEW.value, 1 << (NEW.localDay & 63))
        ON CONFLICT DO UPDATE SET days = days | excluded.days;
        END;
        """
}
