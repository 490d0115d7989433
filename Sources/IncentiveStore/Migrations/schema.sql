-- table achievement
CREATE TABLE "achievement" ("seq" INTEGER PRIMARY KEY AUTOINCREMENT, "id" TEXT NOT NULL UNIQUE, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE RESTRICT, "employerId" TEXT NOT NULL, "programId" TEXT NOT NULL REFERENCES "program"("id") ON DELETE RESTRICT, "programName" TEXT NOT NULL, "incentive" TEXT NOT NULL, "rewardName" TEXT NOT NULL, "rewardDescription" TEXT, "rewardPayload" TEXT, "periodKey" TEXT NOT NULL, "achievedAt" DATETIME NOT NULL, "achievedOn" TEXT NOT NULL, "eventIds" TEXT NOT NULL, "eventSeq" INTEGER NOT NULL REFERENCES "event"("seq"), UNIQUE ("userId", "programId", "periodKey"));

-- table achievementTally
CREATE TABLE achievementTally (
    userId TEXT NOT NULL, programId TEXT NOT NULL, held INTEGER NOT NULL, highest INTEGER NOT NULL,
    PRIMARY KEY (userId, programId)
) WITHOUT ROWID;

-- view achievementTallyRecount
CREATE VIEW achievementTallyRecount AS
    SELECT userId, programId, COUNT(*) AS held,
           CASE WHEN COUNT(*) = SUM((CASE WHEN CAST(CAST(periodKey AS INTEGER) AS TEXT) = periodKey AND CAST(periodKey AS INTEGER) > 0
      THEN CAST(periodKey AS INTEGER) ELSE -1 END) > 0)
                THEN MAX((CASE WHEN CAST(CAST(periodKey AS INTEGER) AS TEXT) = periodKey AND CAST(periodKey AS INTEGER) > 0
      THEN CAST(periodKey AS INTEGER) ELSE -1 END)) ELSE -1 END AS highest
    FROM achievement GROUP BY userId, programId;

-- trigger achievementTally_onAward on achievement
CREATE TRIGGER achievementTally_onAward AFTER INSERT ON achievement BEGIN
    INSERT INTO achievementTally (userId, programId, held, highest)
    VALUES (NEW.userId, NEW.programId, 1, (CASE WHEN CAST(CAST(NEW.periodKey AS INTEGER) AS TEXT) = NEW.periodKey AND CAST(NEW.periodKey AS INTEGER) > 0
      THEN CAST(NEW.periodKey AS INTEGER) ELSE -1 END))
    ON CONFLICT (userId, programId) DO UPDATE SET held = held + 1,
        highest = CASE WHEN highest < 0 OR excluded.highest < 0 THEN -1 ELSE max(highest, excluded.highest) END;
END;

-- trigger achievementTally_onChange on achievement
CREATE TRIGGER achievementTally_onChange AFTER UPDATE OF userId, programId, periodKey ON achievement BEGIN
    DELETE FROM achievementTally WHERE userId = OLD.userId AND programId = OLD.programId;
INSERT INTO achievementTally SELECT * FROM achievementTallyRecount WHERE userId = OLD.userId AND programId = OLD.programId;
    DELETE FROM achievementTally WHERE userId = NEW.userId AND programId = NEW.programId;
INSERT INTO achievementTally SELECT * FROM achievementTallyRecount WHERE userId = NEW.userId AND programId = NEW.programId;
END;

-- trigger achievementTally_onRemoval on achievement
CREATE TRIGGER achievementTally_onRemoval AFTER DELETE ON achievement BEGIN
    DELETE FROM achievementTally WHERE userId = OLD.userId AND programId = OLD.programId;
INSERT INTO achievementTally SELECT * FROM achievementTallyRecount WHERE userId = OLD.userId AND programId = OLD.programId;
END;

-- index achievement_byUserProgram on achievement
CREATE INDEX achievement_byUserProgram ON achievement(userId, programId);

-- index achievement_on_eventSeq on achievement
CREATE INDEX "achievement_on_eventSeq" ON "achievement"("eventSeq");

-- index achievement_on_programId on achievement
CREATE INDEX "achievement_on_programId" ON "achievement"("programId");

-- index achievement_on_userId on achievement
CREATE INDEX "achievement_on_userId" ON "achievement"("userId");

-- table activityDay
CREATE TABLE "activityDay" ("userId" TEXT NOT NULL, "type" TEXT NOT NULL, "hasValue" BOOLEAN NOT NULL, "value" TEXT NOT NULL, "localDay" INTEGER NOT NULL, "events" INTEGER NOT NULL, PRIMARY KEY ("userId", "type", "hasValue", "value", "localDay"));

-- index activityDay_byDayCovering on activityDay
CREATE INDEX activityDay_byDayCovering ON activityDay(userId, localDay, type, hasValue, value);

-- table activityMask
CREATE TABLE activityMask (
    userId TEXT NOT NULL, block INTEGER NOT NULL, type TEXT NOT NULL, hasValue BOOLEAN NOT NULL, value TEXT NOT NULL,
    days INTEGER NOT NULL,
    PRIMARY KEY (userId, block, type, hasValue, value)
) WITHOUT ROWID;

-- trigger activityMask_onMovedDay on activityDay
CREATE TRIGGER activityMask_onMovedDay AFTER UPDATE OF userId, type, hasValue, value, localDay ON activityDay BEGIN
    UPDATE activityMask SET days = days & ~(1 << (OLD.localDay & 63)) WHERE userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value;
DELETE FROM activityMask WHERE userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value AND days = 0;
    INSERT INTO activityMask (userId, block, type, hasValue, value, days)
VALUES (NEW.userId, NEW.localDay >> 6, NEW.type, NEW.hasValue, NEW.value, 1 << (NEW.localDay & 63))
ON CONFLICT DO UPDATE SET days = days | excluded.days;
END;

-- trigger activityMask_onNewDay on activityDay
CREATE TRIGGER activityMask_onNewDay AFTER INSERT ON activityDay BEGIN
    INSERT INTO activityMask (userId, block, type, hasValue, value, days)
VALUES (NEW.userId, NEW.localDay >> 6, NEW.type, NEW.hasValue, NEW.value, 1 << (NEW.localDay & 63))
ON CONFLICT DO UPDATE SET days = days | excluded.days;
END;

-- trigger activityMask_onRemovedDay on activityDay
CREATE TRIGGER activityMask_onRemovedDay AFTER DELETE ON activityDay BEGIN
    UPDATE activityMask SET days = days & ~(1 << (OLD.localDay & 63)) WHERE userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value;
DELETE FROM activityMask WHERE userId = OLD.userId AND block = OLD.localDay >> 6 AND type = OLD.type AND hasValue = OLD.hasValue AND value = OLD.value AND days = 0;
END;

-- table activityTotal
CREATE TABLE activityTotal (
    userId TEXT NOT NULL, type TEXT NOT NULL, hasValue BOOLEAN NOT NULL, value TEXT NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (userId, type, hasValue, value)
) WITHOUT ROWID;

-- table apiKey
CREATE TABLE "apiKey" ("id" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL, "hash" TEXT NOT NULL UNIQUE, "scopes" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, "revokedAt" DATETIME);

-- table auditEvent
CREATE TABLE "auditEvent" ("seq" INTEGER PRIMARY KEY, "at" DATETIME NOT NULL, "type" TEXT NOT NULL, "outcome" TEXT NOT NULL, "clientId" TEXT, "userId" TEXT, "subject" TEXT, "grantId" TEXT, "jti" TEXT, "path" TEXT, "status" INTEGER, "rows" INTEGER, "address" TEXT, "requestId" TEXT, "detail" TEXT, "mac" TEXT NOT NULL);

-- index auditEvent_on_at on auditEvent
CREATE INDEX "auditEvent_on_at" ON "auditEvent"("at");

-- table authorizationCode
CREATE TABLE "authorizationCode" ("hash" TEXT PRIMARY KEY NOT NULL, "clientId" TEXT NOT NULL REFERENCES "partner"("clientId"), "grantId" TEXT NOT NULL REFERENCES "grant"("id"), "redirectUri" TEXT NOT NULL, "codeChallenge" TEXT NOT NULL, "scopes" TEXT NOT NULL, "expiresAt" DATETIME NOT NULL, "usedAt" DATETIME, "familyId" TEXT);

-- table employer
CREATE TABLE "employer" ("id" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL, "createdAt" DATETIME NOT NULL);

-- table event
CREATE TABLE "event" ("seq" INTEGER PRIMARY KEY AUTOINCREMENT, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE RESTRICT, "eventId" TEXT NOT NULL, "type" TEXT NOT NULL, "value" TEXT, "occurredAt" DATETIME NOT NULL, "timezone" TEXT NOT NULL, "timezoneGiven" TEXT, "localDay" INTEGER NOT NULL, "employerId" TEXT, "evaluation" TEXT NOT NULL, "receivedAt" DATETIME NOT NULL, UNIQUE ("userId", "eventId"));

-- index event_on_userId on event
CREATE INDEX "event_on_userId" ON "event"("userId");

-- table grant
CREATE TABLE "grant" ("id" TEXT PRIMARY KEY NOT NULL, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE RESTRICT, "clientId" TEXT NOT NULL REFERENCES "partner"("clientId"), "scopes" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, "revokedAt" DATETIME);

-- index grant_active on grant
CREATE INDEX "grant_active" ON "grant"("userId", "clientId", "revokedAt");

-- index grant_on_userId on grant
CREATE INDEX "grant_on_userId" ON "grant"("userId");

-- table grdb_migrations
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);

-- table job
CREATE TABLE "job" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "eventSeq" INTEGER NOT NULL UNIQUE REFERENCES "event"("seq"), "state" TEXT NOT NULL, "attempts" INTEGER NOT NULL, "runAfter" DATETIME NOT NULL, "lastError" TEXT, "createdAt" DATETIME NOT NULL, "programIds" TEXT);

-- index job_due on job
CREATE INDEX "job_due" ON "job"("state", "runAfter");

-- table loginThrottle
CREATE TABLE "loginThrottle" ("key" TEXT PRIMARY KEY NOT NULL, "failures" INTEGER NOT NULL, "nextAllowedAt" DATETIME NOT NULL);

-- table partner
CREATE TABLE "partner" ("clientId" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL, "secretHash" TEXT NOT NULL, "redirectUris" TEXT NOT NULL, "scopes" TEXT NOT NULL, "programIds" TEXT NOT NULL, "disabled" BOOLEAN NOT NULL, "createdAt" DATETIME NOT NULL);

-- table partnerFeedEntry
CREATE TABLE "partnerFeedEntry" (
    clientId TEXT NOT NULL REFERENCES partner(clientId),
    position INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    userId TEXT NOT NULL,
    PRIMARY KEY (clientId, position),
    UNIQUE (clientId, seq)
) WITHOUT ROWID;

-- index partnerFeedEntry_byUser on partnerFeedEntry
CREATE INDEX partnerFeedEntry_byUser ON partnerFeedEntry(clientId, userId, position);

-- table partnerFeedHead
CREATE TABLE partnerFeedHead (
    clientId TEXT PRIMARY KEY NOT NULL REFERENCES partner(clientId),
    lastPosition INTEGER NOT NULL
) WITHOUT ROWID;

-- trigger partnerFeedHead_onPartner on partner
CREATE TRIGGER partnerFeedHead_onPartner AFTER INSERT ON partner BEGIN
    INSERT INTO partnerFeedHead (clientId, lastPosition) VALUES (NEW.clientId, 1000000000000 + (random() & 1099511627775));
END;

-- trigger partnerFeed_onAward on achievement
CREATE TRIGGER partnerFeed_onAward AFTER INSERT ON achievement BEGIN
    UPDATE partnerFeedHead SET lastPosition = lastPosition + 1 + (random() & 65535) WHERE clientId IN (SELECT g.clientId FROM "grant" g JOIN partner p ON p.clientId = g.clientId
WHERE g.userId = NEW.userId AND g.revokedAt IS NULL
  AND EXISTS (SELECT 1 FROM json_each(p.programIds) WHERE json_each.value = NEW.programId));
    INSERT INTO partnerFeedEntry (clientId, position, seq, userId)
    SELECT h.clientId, h.lastPosition, NEW.seq, NEW.userId FROM partnerFeedHead h WHERE h.clientId IN (SELECT g.clientId FROM "grant" g JOIN partner p ON p.clientId = g.clientId
WHERE g.userId = NEW.userId AND g.revokedAt IS NULL
  AND EXISTS (SELECT 1 FROM json_each(p.programIds) WHERE json_each.value = NEW.programId));
END;

-- trigger partnerFeed_onGrant on grant
CREATE TRIGGER partnerFeed_onGrant AFTER INSERT ON "grant" WHEN NEW.revokedAt IS NULL BEGIN
    INSERT INTO partnerFeedEntry (clientId, position, seq, userId)
SELECT NEW.clientId, h.lastPosition + ROW_NUMBER() OVER (ORDER BY a.seq) * 65536 + (random() & 65535), a.seq, a.userId
FROM achievement a JOIN partnerFeedHead h ON h.clientId = NEW.clientId
WHERE a.userId = NEW.userId
  AND a.programId IN (SELECT json_each.value FROM partner p, json_each(p.programIds) WHERE p.clientId = NEW.clientId)
  AND NOT EXISTS (SELECT 1 FROM partnerFeedEntry e WHERE e.clientId = NEW.clientId AND e.seq = a.seq);
UPDATE partnerFeedHead SET lastPosition = (SELECT MAX(position) FROM partnerFeedEntry WHERE clientId = NEW.clientId)
WHERE clientId = NEW.clientId AND lastPosition < (SELECT MAX(position) FROM partnerFeedEntry WHERE clientId = NEW.clientId);
END;

-- trigger partnerFeed_onGrantDelete on grant
CREATE TRIGGER partnerFeed_onGrantDelete AFTER DELETE ON "grant" WHEN OLD.revokedAt IS NULL BEGIN
    DELETE FROM partnerFeedEntry WHERE clientId = OLD.clientId AND userId = OLD.userId
      AND NOT EXISTS (SELECT 1 FROM "grant" g WHERE g.userId = OLD.userId AND g.clientId = OLD.clientId
                      AND g.revokedAt IS NULL);
END;

-- trigger partnerFeed_onRestore on grant
CREATE TRIGGER partnerFeed_onRestore AFTER UPDATE OF revokedAt ON "grant"
WHEN NEW.revokedAt IS NULL AND OLD.revokedAt IS NOT NULL BEGIN
    INSERT INTO partnerFeedEntry (clientId, position, seq, userId)
SELECT NEW.clientId, h.lastPosition + ROW_NUMBER() OVER (ORDER BY a.seq) * 65536 + (random() & 65535), a.seq, a.userId
FROM achievement a JOIN partnerFeedHead h ON h.clientId = NEW.clientId
WHERE a.userId = NEW.userId
  AND a.programId IN (SELECT json_each.value FROM partner p, json_each(p.programIds) WHERE p.clientId = NEW.clientId)
  AND NOT EXISTS (SELECT 1 FROM partnerFeedEntry e WHERE e.clientId = NEW.clientId AND e.seq = a.seq);
UPDATE partnerFeedHead SET lastPosition = (SELECT MAX(position) FROM partnerFeedEntry WHERE clientId = NEW.clientId)
WHERE clientId = NEW.clientId AND lastPosition < (SELECT MAX(position) FROM partnerFeedEntry WHERE clientId = NEW.clientId);
END;

-- trigger partnerFeed_onRevoke on grant
CREATE TRIGGER partnerFeed_onRevoke AFTER UPDATE OF revokedAt ON "grant"
WHEN NEW.revokedAt IS NOT NULL AND OLD.revokedAt IS NULL BEGIN
    DELETE FROM partnerFeedEntry WHERE clientId = NEW.clientId AND userId = NEW.userId
      AND NOT EXISTS (SELECT 1 FROM "grant" g WHERE g.userId = NEW.userId AND g.clientId = NEW.clientId
                      AND g.revokedAt IS NULL AND g.id <> NEW.id);
END;

-- table program
CREATE TABLE "program" ("id" TEXT PRIMARY KEY NOT NULL, "employerId" TEXT NOT NULL REFERENCES "employer"("id") ON DELETE RESTRICT, "name" TEXT NOT NULL, "incentive" TEXT NOT NULL, "parameters" TEXT NOT NULL, "rewardName" TEXT NOT NULL, "rewardDescription" TEXT, "rewardPayload" TEXT, "repeatable" BOOLEAN NOT NULL, "active" BOOLEAN NOT NULL, "startsAt" DATETIME, "endsAt" DATETIME, "createdAt" DATETIME NOT NULL);

-- table programGeneration
CREATE TABLE programGeneration (generation INTEGER NOT NULL);

-- trigger programGeneration_onDelete on program
CREATE TRIGGER programGeneration_onDelete AFTER DELETE ON program BEGIN
    UPDATE programGeneration SET generation = random();
END;

-- trigger programGeneration_onInsert on program
CREATE TRIGGER programGeneration_onInsert AFTER INSERT ON program BEGIN
    UPDATE programGeneration SET generation = random();
END;

-- trigger programGeneration_onUpdate on program
CREATE TRIGGER programGeneration_onUpdate AFTER UPDATE ON program BEGIN
    UPDATE programGeneration SET generation = random();
END;

-- index program_on_employerId on program
CREATE INDEX "program_on_employerId" ON "program"("employerId");

-- table refreshFamily
CREATE TABLE "refreshFamily" ("id" TEXT PRIMARY KEY NOT NULL, "grantId" TEXT NOT NULL REFERENCES "grant"("id"), "clientId" TEXT NOT NULL REFERENCES "partner"("clientId"), "scopes" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, "lastUsedAt" DATETIME NOT NULL, "revokedAt" DATETIME, "revokedReason" TEXT);

-- index refreshFamily_on_grantId on refreshFamily
CREATE INDEX "refreshFamily_on_grantId" ON "refreshFamily"("grantId");

-- table refreshToken
CREATE TABLE "refreshToken" ("hash" TEXT PRIMARY KEY NOT NULL, "familyId" TEXT NOT NULL REFERENCES "refreshFamily"("id"), "createdAt" DATETIME NOT NULL, "rotatedAt" DATETIME);

-- index refreshToken_on_familyId on refreshToken
CREATE INDEX "refreshToken_on_familyId" ON "refreshToken"("familyId");

-- table revokedAccessToken
CREATE TABLE "revokedAccessToken" ("jti" TEXT PRIMARY KEY NOT NULL, "expiresAt" DATETIME NOT NULL);

-- table session
CREATE TABLE "session" ("hash" TEXT PRIMARY KEY NOT NULL, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE CASCADE, "csrfToken" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, "lastSeenAt" DATETIME NOT NULL);

-- index session_on_userId on session
CREATE INDEX "session_on_userId" ON "session"("userId");

-- table signInLink
CREATE TABLE "signInLink" ("hash" TEXT PRIMARY KEY NOT NULL, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE CASCADE, "expiresAt" DATETIME NOT NULL, "usedAt" DATETIME);

-- index signInLink_on_userId on signInLink
CREATE INDEX "signInLink_on_userId" ON "signInLink"("userId");

-- index sqlite_autoindex_achievement_1 on achievement: no SQL (made by SQLite)

-- index sqlite_autoindex_achievement_2 on achievement: no SQL (made by SQLite)

-- index sqlite_autoindex_activityDay_1 on activityDay: no SQL (made by SQLite)

-- index sqlite_autoindex_apiKey_1 on apiKey: no SQL (made by SQLite)

-- index sqlite_autoindex_apiKey_2 on apiKey: no SQL (made by SQLite)

-- index sqlite_autoindex_authorizationCode_1 on authorizationCode: no SQL (made by SQLite)

-- index sqlite_autoindex_employer_1 on employer: no SQL (made by SQLite)

-- index sqlite_autoindex_event_1 on event: no SQL (made by SQLite)

-- index sqlite_autoindex_grant_1 on grant: no SQL (made by SQLite)

-- index sqlite_autoindex_grdb_migrations_1 on grdb_migrations: no SQL (made by SQLite)

-- index sqlite_autoindex_job_1 on job: no SQL (made by SQLite)

-- index sqlite_autoindex_loginThrottle_1 on loginThrottle: no SQL (made by SQLite)

-- index sqlite_autoindex_partnerFeedEntry_2 on partnerFeedEntry: no SQL (made by SQLite)

-- index sqlite_autoindex_partner_1 on partner: no SQL (made by SQLite)

-- index sqlite_autoindex_program_1 on program: no SQL (made by SQLite)

-- index sqlite_autoindex_refreshFamily_1 on refreshFamily: no SQL (made by SQLite)

-- index sqlite_autoindex_refreshToken_1 on refreshToken: no SQL (made by SQLite)

-- index sqlite_autoindex_revokedAccessToken_1 on revokedAccessToken: no SQL (made by SQLite)

-- index sqlite_autoindex_session_1 on session: no SQL (made by SQLite)

-- index sqlite_autoindex_signInLink_1 on signInLink: no SQL (made by SQLite)

-- index sqlite_autoindex_user_1 on user: no SQL (made by SQLite)

-- index sqlite_autoindex_user_2 on user: no SQL (made by SQLite)

-- table sqlite_sequence
CREATE TABLE sqlite_sequence(name,seq);

-- table user
CREATE TABLE "user" ("id" TEXT PRIMARY KEY NOT NULL, "employerId" TEXT REFERENCES "employer"("id") ON DELETE RESTRICT, "timezone" TEXT NOT NULL, "username" TEXT UNIQUE, "passwordHash" TEXT, "createdAt" DATETIME NOT NULL);

-- index user_on_employerId on user
CREATE INDEX "user_on_employerId" ON "user"("employerId");
