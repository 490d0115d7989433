/// Per user and program, how many achievements are held and the highest period ordinal (-1 once
/// any key is not a canonical positive integer), for `heldOrdinals`: every event asks it for
/// each repeatable count program, and the aggregate over the held rows grew with the history
/// (a seventh of the event writer's time at 7,300 events per user). Kept by triggers in the
/// transaction of every change to `achievement`; a removal or change recounts its pair. Rows
/// replaced by an `OR REPLACE` conflict fire no delete trigger (SQLite's `recursive_triggers` is
/// off), so achievements must never be written that way.
///
/// The period key counts as an ordinal when it is a positive integer written canonically ("7",
/// not "07", "0" or "once"); otherwise its ordinal is -1.
enum Migration09AchievementTally: FrozenMigration {
    static let identifier = "v9-achievement-tally"
    static let sql = """
        CREATE TABLE achievementTally (
            userId TEXT NOT NULL, programId TEXT NOT NULL, held INTEGER NOT NULL, highest INTEGER NOT NULL,
            PRIMARY KEY (userId, programId)
        ) WITHOUT ROWID;

        CREATE VIEW achievementTallyRecount AS
            SELECT userId, programId, COUNT(*) AS held,
                   CASE WHEN COUNT(*) = SUM((CASE WHEN CAST(CAST(periodKey AS INTEGER) AS TEXT) = periodKey AND CAST(periodKey AS INTEGER) > 0
              THEN CAST(periodKey AS INTEGER) ELSE -1 END) > 0)
                        THEN MAX((CASE WHEN CAST(CAST(periodKey AS INTEGER) AS TEXT) = periodKey AND CAST(periodKey AS INTEGER) > 0
              THEN CAST(periodKey AS INTEGER) ELSE -1 END)) ELSE -1 END AS highest
            FROM achievement GROUP BY userId, programId;

        INSERT INTO achievementTally SELECT * FROM achievementTallyRecount;

        CREATE TRIGGER achievementTally_onAward AFTER INSERT ON achievement BEGIN
            INSERT INTO achievementTally (userId, programId, held, highest)
            VALUES (NEW.userId, NEW.programId, 1, (CASE WHEN CAST(CAST(NEW.periodKey AS INTEGER) AS TEXT) = NEW.periodKey AND CAST(NEW.periodKey AS INTEGER) > 0
              THEN CAST(NEW.periodKey AS INTEGER) ELSE -1 END))
            ON CONFLICT (userId, programId) DO UPDATE SET held = held + 1,
                highest = CASE WHEN highest < 0 OR excluded.highest < 0 THEN -1 ELSE max(highest, excluded.highest) END;
        END;

        CREATE TRIGGER achievementTally_onRemoval AFTER DELETE ON achievement BEGIN
            DELETE FROM achievementTally WHERE userId = OLD.userId AND programId = OLD.programId;
        INSERT INTO achievementTally SELECT * FROM achievementTallyRecount WHERE userId = OLD.userId AND programId = OLD.programId;
        END;

        CREATE TRIGGER achievementTally_onChange AFTER UPDATE OF userId, programId, periodKey ON achievement BEGIN
            DELETE FROM achievementTally WHERE userId = OLD.userId AND programId = OLD.programId;
        INSERT INTO achievementTally SELECT * FROM achievementTallyRecount WHERE userId = OLD.userId AND programId = OLD.programId;
            DELETE FROM achievementTally WHERE userId = NEW.userId AND programId = NEW.programId;
        INSERT INTO achievementTally SELECT * FROM achievementTallyRecount WHERE userId = NEW.userId AND programId = NEW.programId;
        END;
        """
}
