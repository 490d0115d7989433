import GRDB

/// Migrations. Each shipped migration is frozen: a change is a new migration.
enum Schema {
    static func createCore(_ db: Database) throws {
        try db.create(table: "employer") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "user") { t in
            t.primaryKey("id", .text)
            t.belongsTo("employer", onDelete: .restrict)
            t.column("timezone", .text).notNull()
            t.column("username", .text).unique()
            t.column("passwordHash", .text)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "program") { t in
            t.primaryKey("id", .text)
            t.belongsTo("employer", onDelete: .restrict).notNull()
            t.column("name", .text).notNull()
            t.column("incentive", .text).notNull()
            t.column("parameters", .text).notNull()
            t.column("rewardName", .text).notNull()
            t.column("rewardDescription", .text)
            t.column("rewardPayload", .text)
            t.column("repeatable", .boolean).notNull()
            t.column("active", .boolean).notNull()
            t.column("startsAt", .datetime)
            t.column("endsAt", .datetime)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "event") { t in
            t.autoIncrementedPrimaryKey("seq")
            t.belongsTo("user", onDelete: .restrict).notNull()
            t.column("eventId", .text).notNull()
            t.column("type", .text).notNull()
            t.column("value", .text)
            t.column("occurredAt", .datetime).notNull()
            t.column("timezone", .text).notNull()
            t.column("timezoneGiven", .text)
            t.column("localDay", .integer).notNull()
            t.column("employerId", .text)
            t.column("evaluation", .text).notNull()
            t.column("receivedAt", .datetime).notNull()
            t.uniqueKey(["userId", "eventId"])
        }
        // Per user, type, value and local date: how many events. Evaluation reads this, never `event`.
        try db.create(table: "activityDay") { t in
            t.column("userId", .text).notNull()
            t.column("type", .text).notNull()
            t.column("hasValue", .boolean).notNull()
            t.column("value", .text).notNull()
            t.column("localDay", .integer).notNull()
            t.column("events", .integer).notNull()
            t.primaryKey(["userId", "type", "hasValue", "value", "localDay"])
        }
        try db.create(index: "activityDay_byDay", on: "activityDay", columns: ["userId", "localDay"])
        try db.create(table: "achievement") { t in
            t.autoIncrementedPrimaryKey("seq")  // the award sequence: commit order
            t.column("id", .text).notNull().unique()
            t.belongsTo("user", onDelete: .restrict).notNull()
            t.column("employerId", .text).notNull()
            t.belongsTo("program", onDelete: .restrict).notNull()
            t.column("programName", .text).notNull()
            t.column("incentive", .text).notNull()
            t.column("rewardName", .text).notNull()
            t.column("rewardDescription", .text)
            t.column("rewardPayload", .text)
            t.column("periodKey", .text).notNull()
            t.column("achievedAt", .datetime).notNull()
            t.column("achievedOn", .text).notNull()
            t.column("eventIds", .text).notNull()
            t.column("eventSeq", .integer).notNull().references("event").indexed()
            t.uniqueKey(["userId", "programId", "periodKey"])
        }
        try db.create(table: "job") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("eventSeq", .integer).notNull().references("event").unique()
            t.column("state", .text).notNull()  // queued | dead
            t.column("attempts", .integer).notNull()
            t.column("runAfter", .datetime).notNull()
            t.column("lastError", .text)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(index: "job_due", on: "job", columns: ["state", "runAfter"])
        try db.create(table: "apiKey") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("hash", .text).notNull().unique()
            t.column("scopes", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("revokedAt", .datetime)
        }
    }

    static func createPartnerAccess(_ db: Database) throws {
        try db.create(table: "partner") { t in
            t.primaryKey("clientId", .text)
            t.column("name", .text).notNull()
            t.column("secretHash", .text).notNull()
            t.column("redirectUris", .text).notNull()  // JSON array, matched exactly
            t.column("scopes", .text).notNull()        // space-separated
            t.column("programIds", .text).notNull()    // JSON array
            t.column("disabled", .boolean).notNull()
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "grant") { t in
            t.primaryKey("id", .text)
            t.belongsTo("user", onDelete: .restrict).notNull()
            t.column("clientId", .text).notNull().references("partner")
            t.column("scopes", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("revokedAt", .datetime)
        }
        try db.create(index: "grant_active", on: "grant", columns: ["userId", "clientId", "revokedAt"])
        try db.create(table: "authorizationCode") { t in
            t.primaryKey("hash", .text)
            t.column("clientId", .text).notNull().references("partner")
            t.column("grantId", .text).notNull().references("grant")
            t.column("redirectUri", .text).notNull()
            t.column("codeChallenge", .text).notNull()
            t.column("scopes", .text).notNull()
            t.column("expiresAt", .datetime).notNull()
            t.column("usedAt", .datetime)
            t.column("familyId", .text)                // what the code issued, revoked on reuse
        }
        try db.create(table: "refreshFamily") { t in
            t.primaryKey("id", .text)
            t.column("grantId", .text).notNull().references("grant").indexed()
            t.column("clientId", .text).notNull().references("partner")
            t.column("scopes", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("lastUsedAt", .datetime).notNull()
            t.column("revokedAt", .datetime)
            t.column("revokedReason", .text)
        }
        try db.create(table: "refreshToken") { t in
            t.primaryKey("hash", .text)
            t.column("familyId", .text).notNull().references("refreshFamily").indexed()
            t.column("createdAt", .datetime).notNull()
            t.column("rotatedAt", .datetime)
        }
        try db.create(table: "revokedAccessToken") { t in
            t.primaryKey("jti", .text)
            t.column("expiresAt", .datetime).notNull()
        }
    }

    static func createSessions(_ db: Database) throws {
        try db.create(table: "session") { t in
            t.primaryKey("hash", .text)
            t.belongsTo("user", onDelete: .cascade).notNull()
            t.column("csrfToken", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("lastSeenAt", .datetime).notNull()
        }
        try db.create(table: "signInLink") { t in
            t.primaryKey("hash", .text)
            t.belongsTo("user", onDelete: .cascade).notNull()
            t.column("expiresAt", .datetime).notNull()
            t.column("usedAt", .datetime)
        }
        try db.create(table: "loginThrottle") { t in
            t.primaryKey("key", .text)  // "user:<name>" or "addr:<address>"
            t.column("failures", .integer).notNull()
            t.column("nextAllowedAt", .datetime).notNull()
        }
    }

    static func createAudit(_ db: Database) throws {
        // Append-only: rows are only ever added, or removed from the start by retention.
        try db.create(table: "auditEvent") { t in
            t.primaryKey("seq", .integer)
            t.column("at", .datetime).notNull().indexed()
            t.column("type", .text).notNull()
            t.column("outcome", .text).notNull()
            t.column("clientId", .text)
            t.column("userId", .text)
            t.column("subject", .text)
            t.column("grantId", .text)
            t.column("jti", .text)
            t.column("path", .text)
            t.column("status", .integer)
            t.column("rows", .integer)
            t.column("address", .text)
            t.column("requestId", .text)
            t.column("detail", .text)
            t.column("mac", .text).notNull()
        }
    }

    static func addJobPrograms(_ db: Database) throws {
        // The programs active when the event arrived: a job evaluates against those (DESIGN §4).
        try db.alter(table: "job") { t in t.add(column: "programIds", .text) }
    }

    /// The partner feed index: one row per achievement a partner may see right now (its programs,
    /// users with an active grant to it), keyed by partner and award sequence, so a page is a range
    /// read that costs the same at any position and whatever other partners hold. Triggers keep it
    /// in the same transaction as the award, the grant and the revocation that change it.
    static func createPartnerFeed(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE partnerFeedEntry (
                clientId TEXT NOT NULL REFERENCES partner(clientId),
                seq INTEGER NOT NULL,
                userId TEXT NOT NULL,
                PRIMARY KEY (clientId, seq)
            ) WITHOUT ROWID;
            CREATE INDEX partnerFeedEntry_byUser ON partnerFeedEntry(clientId, userId, seq);
            CREATE INDEX achievement_byUserProgram ON achievement(userId, programId);

            CREATE TRIGGER partnerFeed_onAward AFTER INSERT ON achievement BEGIN
                INSERT OR IGNORE INTO partnerFeedEntry (clientId, seq, userId)
                SELECT g.clientId, NEW.seq, NEW.userId FROM "grant" g JOIN partner p ON p.clientId = g.clientId
                WHERE g.userId = NEW.userId AND g.revokedAt IS NULL
                  AND EXISTS (SELECT 1 FROM json_each(p.programIds) WHERE json_each.value = NEW.programId);
            END;

            CREATE TRIGGER partnerFeed_onGrant AFTER INSERT ON "grant" WHEN NEW.revokedAt IS NULL BEGIN
                INSERT OR IGNORE INTO partnerFeedEntry (clientId, seq, userId)
                SELECT NEW.clientId, a.seq, a.userId FROM achievement a
                WHERE a.userId = NEW.userId
                  AND a.programId IN (SELECT json_each.value FROM partner p, json_each(p.programIds) WHERE p.clientId = NEW.clientId);
            END;

            CREATE TRIGGER partnerFeed_onRevoke AFTER UPDATE OF revokedAt ON "grant"
            WHEN NEW.revokedAt IS NOT NULL AND OLD.revokedAt IS NULL BEGIN
                DELETE FROM partnerFeedEntry WHERE clientId = NEW.clientId AND userId = NEW.userId
                  AND NOT EXISTS (SELECT 1 FROM "grant" g WHERE g.userId = NEW.userId AND g.clientId = NEW.clientId
                                  AND g.revokedAt IS NULL AND g.id <> NEW.id);
            END;

            INSERT OR IGNORE INTO partnerFeedEntry (clientId, seq, userId)
            SELECT g.clientId, a.seq, a.userId FROM "grant" g JOIN partner p ON p.clientId = g.clientId
            JOIN achievement a ON a.userId = g.userId
            WHERE g.revokedAt IS NULL AND a.programId IN (SELECT json_each.value FROM json_each(p.programIds));
            """)
    }

    /// Running event counts per user, type and value, so `total-events` without `starts_at` sums a
    /// handful of rows instead of every active day of the history.
    static func createActivityTotals(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE activityTotal (
                userId TEXT NOT NULL, type TEXT NOT NULL, hasValue BOOLEAN NOT NULL, value TEXT NOT NULL,
                events INTEGER NOT NULL,
                PRIMARY KEY (userId, type, hasValue, value)
            ) WITHOUT ROWID;
            INSERT INTO activityTotal (userId, type, hasValue, value, events)
            SELECT userId, type, hasValue, value, SUM(events) FROM activityDay GROUP BY userId, type, hasValue, value;
            """)
    }

    /// Which dates have events, per user, type and value, as the bits of 64-date blocks
    /// (`localDay >> 6`; bit `localDay & 63`), kept by triggers on `activityDay`. A run walk reads
    /// a few rows per block instead of a row per date and type and value, so a run of two years
    /// costs a few short reads instead of a walk over every one of its dates.
    static func createActivityMasks(_ db: Database) throws {
        let oldKey = "userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value"
        let setNewBit = """
            INSERT INTO activityMask (userId, block, type, hasValue, value, days)
            VALUES (NEW.userId, NEW.localDay >> 6, NEW.type, NEW.hasValue, NEW.value, 1 << (NEW.localDay & 63))
            ON CONFLICT DO UPDATE SET days = days | excluded.days;
            """
        let clearOldBit = """
            UPDATE activityMask SET days = days & ~(1 << (OLD.localDay & 63)) WHERE \(oldKey);
            DELETE FROM activityMask WHERE \(oldKey) AND days = 0;
            """
        // The rows of a group are distinct dates, so the sum of their bits is their union.
        try db.execute(sql: """
            CREATE TABLE activityMask (
                userId TEXT NOT NULL, block INTEGER NOT NULL, type TEXT NOT NULL, hasValue BOOLEAN NOT NULL, value TEXT NOT NULL,
                days INTEGER NOT NULL,
                PRIMARY KEY (userId, block, type, hasValue, value)
            ) WITHOUT ROWID;
            INSERT INTO activityMask (userId, block, type, hasValue, value, days)
            SELECT userId, localDay >> 6, type, hasValue, value, SUM(1 << (localDay & 63))
            FROM activityDay GROUP BY userId, localDay >> 6, type, hasValue, value;
            CREATE TRIGGER activityMask_onNewDay AFTER INSERT ON activityDay BEGIN
                \(setNewBit)
            END;
            CREATE TRIGGER activityMask_onRemovedDay AFTER DELETE ON activityDay BEGIN
                \(clearOldBit)
            END;
            CREATE TRIGGER activityMask_onMovedDay AFTER UPDATE OF userId, type, hasValue, value, localDay ON activityDay BEGIN
                \(clearOldBit)
                \(setNewBit)
            END;
            """)
    }

    /// Run walks ask for the dates with a matching type and value in a date range. The index by
    /// user and date alone sent every row of the range back to the table for its type and value;
    /// this one answers from the index (the same columns, so it replaces the old index).
    static func coverActivityDayByDay(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX activityDay_byDayCovering ON activityDay(userId, localDay, type, hasValue, value);
            DROP INDEX activityDay_byDay;
            """)
    }

    /// Per user and program, how many achievements are held and the highest period ordinal (-1 once
    /// any key is not a canonical positive integer), for `heldOrdinals`: every event asks it for
    /// each repeatable count program, and the aggregate over the held rows grew with the history
    /// (a seventh of the event writer's time at 7,300 events per user). Kept by triggers in the
    /// transaction of every change to `achievement`; a removal or change recounts its pair. Rows
    /// replaced by an `OR REPLACE` conflict fire no delete trigger (SQLite's `recursive_triggers` is
    /// off), so achievements must never be written that way.
    static func createAchievementTally(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE achievementTally (
                userId TEXT NOT NULL, programId TEXT NOT NULL, held INTEGER NOT NULL, highest INTEGER NOT NULL,
                PRIMARY KEY (userId, programId)
            ) WITHOUT ROWID;
            CREATE VIEW achievementTallyRecount AS
                SELECT userId, programId, COUNT(*) AS held,
                       CASE WHEN COUNT(*) = SUM(\(canonicalOrdinal) > 0)
                            THEN MAX(\(canonicalOrdinal)) ELSE -1 END AS highest
                FROM achievement GROUP BY userId, programId;
            INSERT INTO achievementTally SELECT * FROM achievementTallyRecount;
            CREATE TRIGGER achievementTally_onAward AFTER INSERT ON achievement BEGIN
                INSERT INTO achievementTally (userId, programId, held, highest)
                VALUES (NEW.userId, NEW.programId, 1, \(canonicalOrdinal.replacingOccurrences(of: "periodKey", with: "NEW.periodKey")))
                ON CONFLICT (userId, programId) DO UPDATE SET held = held + 1,
                    highest = CASE WHEN highest < 0 OR excluded.highest < 0 THEN -1 ELSE max(highest, excluded.highest) END;
            END;
            CREATE TRIGGER achievementTally_onRemoval AFTER DELETE ON achievement BEGIN
                \(recount("OLD"))
            END;
            CREATE TRIGGER achievementTally_onChange AFTER UPDATE OF userId, programId, periodKey ON achievement BEGIN
                \(recount("OLD"))
                \(recount("NEW"))
            END;
            """)
    }

    /// A count of every change to `program`, which `ActiveProgramCache` compares to know its
    /// decoded programs are current.
    static func createProgramGeneration(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE programGeneration (generation INTEGER NOT NULL);
            INSERT INTO programGeneration (generation) VALUES (0);
            CREATE TRIGGER programGeneration_onInsert AFTER INSERT ON program BEGIN
                UPDATE programGeneration SET generation = generation + 1;
            END;
            CREATE TRIGGER programGeneration_onUpdate AFTER UPDATE ON program BEGIN
                UPDATE programGeneration SET generation = generation + 1;
            END;
            CREATE TRIGGER programGeneration_onDelete AFTER DELETE ON program BEGIN
                UPDATE programGeneration SET generation = generation + 1;
            END;
            """)
    }

    /// The change count becomes a random stamp: a transaction that changed a program and rolled back
    /// could otherwise leave `ActiveProgramCache` holding the count the next real change reaches.
    static func stampProgramChanges(_ db: Database) throws {
        for change in ["Insert", "Update", "Delete"] {
            try db.execute(sql: """
                DROP TRIGGER programGeneration_on\(change);
                CREATE TRIGGER programGeneration_on\(change) AFTER \(change.uppercased()) ON program BEGIN
                    UPDATE programGeneration SET generation = random();
                END;
                """)
        }
    }

    /// The partner feed index follows a grant however it ends or comes back: deleted, or its
    /// revocation undone, not only revoked (the feed reads the index without checking grants).
    static func followEveryGrantChange(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER partnerFeed_onGrantDelete AFTER DELETE ON "grant" WHEN OLD.revokedAt IS NULL BEGIN
                DELETE FROM partnerFeedEntry WHERE clientId = OLD.clientId AND userId = OLD.userId
                  AND NOT EXISTS (SELECT 1 FROM "grant" g WHERE g.userId = OLD.userId AND g.clientId = OLD.clientId
                                  AND g.revokedAt IS NULL);
            END;

            CREATE TRIGGER partnerFeed_onRestore AFTER UPDATE OF revokedAt ON "grant"
            WHEN NEW.revokedAt IS NULL AND OLD.revokedAt IS NOT NULL BEGIN
                INSERT OR IGNORE INTO partnerFeedEntry (clientId, seq, userId)
                SELECT NEW.clientId, a.seq, a.userId FROM achievement a
                WHERE a.userId = NEW.userId
                  AND a.programId IN (SELECT json_each.value FROM partner p, json_each(p.programIds) WHERE p.clientId = NEW.clientId);
            END;
            """)
    }

    /// Feed positions become the partner's own (issue 17): the award sequence was global, so two
    /// partners with a grant from the same user saw the same number for the same award and could
    /// join their views. Each partner now has a counter (`partnerFeedHead`) and a row takes a new
    /// value past it when it enters that partner's feed: at its award, or when a grant (or an
    /// undone revocation) backfills the user's past awards after everything the partner has seen.
    /// The counters start at a random point above 10^12 (`PartnerFeed.positionOrigin`, above every
    /// global sequence a partner may still hold, so an old `since` is told apart and refused) and
    /// step by a random gap of 1 to 65,536: equal counters would hand two partners with the same
    /// users the same positions for the same awards again.
    static func partnerLocalFeedPositions(_ db: Database) throws {
        let backfill = """
            INSERT INTO partnerFeedEntry (clientId, position, seq, userId)
            SELECT NEW.clientId, h.lastPosition + ROW_NUMBER() OVER (ORDER BY a.seq) * 65536 + (random() & 65535), a.seq, a.userId
            FROM achievement a JOIN partnerFeedHead h ON h.clientId = NEW.clientId
            WHERE a.userId = NEW.userId
              AND a.programId IN (SELECT json_each.value FROM partner p, json_each(p.programIds) WHERE p.clientId = NEW.clientId)
              AND NOT EXISTS (SELECT 1 FROM partnerFeedEntry e WHERE e.clientId = NEW.clientId AND e.seq = a.seq);
            UPDATE partnerFeedHead SET lastPosition = (SELECT MAX(position) FROM partnerFeedEntry WHERE clientId = NEW.clientId)
            WHERE clientId = NEW.clientId AND lastPosition < (SELECT MAX(position) FROM partnerFeedEntry WHERE clientId = NEW.clientId);
            """
        let partnersSeeingAward = """
            SELECT g.clientId FROM "grant" g JOIN partner p ON p.clientId = g.clientId
            WHERE g.userId = NEW.userId AND g.revokedAt IS NULL
              AND EXISTS (SELECT 1 FROM json_each(p.programIds) WHERE json_each.value = NEW.programId)
            """
        let randomStart = "1000000000000 + (random() & 1099511627775)"
        try db.execute(sql: """
            DROP TRIGGER partnerFeed_onAward;
            DROP TRIGGER partnerFeed_onGrant;
            DROP TRIGGER partnerFeed_onRevoke;
            DROP TRIGGER partnerFeed_onGrantDelete;
            DROP TRIGGER partnerFeed_onRestore;

            CREATE TABLE partnerFeedHead (
                clientId TEXT PRIMARY KEY NOT NULL REFERENCES partner(clientId),
                lastPosition INTEGER NOT NULL
            ) WITHOUT ROWID;
            INSERT INTO partnerFeedHead (clientId, lastPosition) SELECT clientId, \(randomStart) FROM partner;
            CREATE TRIGGER partnerFeedHead_onPartner AFTER INSERT ON partner BEGIN
                INSERT INTO partnerFeedHead (clientId, lastPosition) VALUES (NEW.clientId, \(randomStart));
            END;

            CREATE TABLE partnerFeedPosition (
                clientId TEXT NOT NULL REFERENCES partner(clientId),
                position INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                userId TEXT NOT NULL,
                PRIMARY KEY (clientId, position),
                UNIQUE (clientId, seq)
            ) WITHOUT ROWID;
            INSERT INTO partnerFeedPosition (clientId, position, seq, userId)
            SELECT e.clientId, h.lastPosition + ROW_NUMBER() OVER (PARTITION BY e.clientId ORDER BY e.seq) * 65536 + (random() & 65535),
                   e.seq, e.userId
            FROM partnerFeedEntry e JOIN partnerFeedHead h ON h.clientId = e.clientId;
            UPDATE partnerFeedHead SET lastPosition = (SELECT MAX(position) FROM partnerFeedPosition p WHERE p.clientId = partnerFeedHead.clientId)
            WHERE EXISTS (SELECT 1 FROM partnerFeedPosition p WHERE p.clientId = partnerFeedHead.clientId);
            DROP TABLE partnerFeedEntry;
            ALTER TABLE partnerFeedPosition RENAME TO partnerFeedEntry;
            CREATE INDEX partnerFeedEntry_byUser ON partnerFeedEntry(clientId, userId, position);

            CREATE TRIGGER partnerFeed_onAward AFTER INSERT ON achievement BEGIN
                UPDATE partnerFeedHead SET lastPosition = lastPosition + 1 + (random() & 65535) WHERE clientId IN (\(partnersSeeingAward));
                INSERT INTO partnerFeedEntry (clientId, position, seq, userId)
                SELECT h.clientId, h.lastPosition, NEW.seq, NEW.userId FROM partnerFeedHead h WHERE h.clientId IN (\(partnersSeeingAward));
            END;
            CREATE TRIGGER partnerFeed_onGrant AFTER INSERT ON "grant" WHEN NEW.revokedAt IS NULL BEGIN
                \(backfill)
            END;
            CREATE TRIGGER partnerFeed_onRestore AFTER UPDATE OF revokedAt ON "grant"
            WHEN NEW.revokedAt IS NULL AND OLD.revokedAt IS NOT NULL BEGIN
                \(backfill)
            END;
            CREATE TRIGGER partnerFeed_onRevoke AFTER UPDATE OF revokedAt ON "grant"
            WHEN NEW.revokedAt IS NOT NULL AND OLD.revokedAt IS NULL BEGIN
                DELETE FROM partnerFeedEntry WHERE clientId = NEW.clientId AND userId = NEW.userId
                  AND NOT EXISTS (SELECT 1 FROM "grant" g WHERE g.userId = NEW.userId AND g.clientId = NEW.clientId
                                  AND g.revokedAt IS NULL AND g.id <> NEW.id);
            END;
            CREATE TRIGGER partnerFeed_onGrantDelete AFTER DELETE ON "grant" WHEN OLD.revokedAt IS NULL BEGIN
                DELETE FROM partnerFeedEntry WHERE clientId = OLD.clientId AND userId = OLD.userId
                  AND NOT EXISTS (SELECT 1 FROM "grant" g WHERE g.userId = OLD.userId AND g.clientId = OLD.clientId
                                  AND g.revokedAt IS NULL);
            END;
            """)
    }

    /// The period key as a positive integer when it is one written canonically ("7", not "07",
    /// "0" or "once"), else -1.
    private static let canonicalOrdinal = """
        (CASE WHEN CAST(CAST(periodKey AS INTEGER) AS TEXT) = periodKey AND CAST(periodKey AS INTEGER) > 0
              THEN CAST(periodKey AS INTEGER) ELSE -1 END)
        """

    private static func recount(_ row: String) -> String {
        """
        DELETE FROM achievementTally WHERE userId = \(row).userId AND programId = \(row).programId;
        INSERT INTO achievementTally SELECT * FROM achievementTallyRecount WHERE userId = \(row).userId AND programId = \(row).programId;
        """
    }
}
