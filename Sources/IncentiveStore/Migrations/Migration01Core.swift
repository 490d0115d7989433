/// The core tables: employers, users, programs, the events users report, their activity per
/// local date, achievements, evaluation jobs and API keys.
///
/// - `activityDay`: per user, type, value and local date, how many events. Evaluation reads this,
///   never `event`.
/// - `achievement.seq` is the award sequence: commit order.
/// - `job.state` is `queued` or `dead`.
enum Migration01Core: FrozenMigration {
    static let identifier = "v1-core"
    static let sql = """
        CREATE TABLE "employer" ("id" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL, "createdAt" DATETIME NOT NULL);
        CREATE TABLE "user" ("id" TEXT PRIMARY KEY NOT NULL, "employerId" TEXT REFERENCES "employer"("id") ON DELETE RESTRICT, "timezone" TEXT NOT NULL, "username" TEXT UNIQUE, "passwordHash" TEXT, "createdAt" DATETIME NOT NULL);
        CREATE INDEX "user_on_employerId" ON "user"("employerId");
        CREATE TABLE "program" ("id" TEXT PRIMARY KEY NOT NULL, "employerId" TEXT NOT NULL REFERENCES "employer"("id") ON DELETE RESTRICT, "name" TEXT NOT NULL, "incentive" TEXT NOT NULL, "parameters" TEXT NOT NULL, "rewardName" TEXT NOT NULL, "rewardDescription" TEXT, "rewardPayload" TEXT, "repeatable" BOOLEAN NOT NULL, "active" BOOLEAN NOT NULL, "startsAt" DATETIME, "endsAt" DATETIME, "createdAt" DATETIME NOT NULL);
        CREATE INDEX "program_on_employerId" ON "program"("employerId");
        CREATE TABLE "event" ("seq" INTEGER PRIMARY KEY AUTOINCREMENT, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE RESTRICT, "eventId" TEXT NOT NULL, "type" TEXT NOT NULL, "value" TEXT, "occurredAt" DATETIME NOT NULL, "timezone" TEXT NOT NULL, "timezoneGiven" TEXT, "localDay" INTEGER NOT NULL, "employerId" TEXT, "evaluation" TEXT NOT NULL, "receivedAt" DATETIME NOT NULL, UNIQUE ("userId", "eventId"));
        CREATE INDEX "event_on_userId" ON "event"("userId");
        CREATE TABLE "activityDay" ("userId" TEXT NOT NULL, "type" TEXT NOT NULL, "hasValue" BOOLEAN NOT NULL, "value" TEXT NOT NULL, "localDay" INTEGER NOT NULL, "events" INTEGER NOT NULL, PRIMARY KEY ("userId", "type", "hasValue", "value", "localDay"));
        CREATE INDEX "activityDay_byDay" ON "activityDay"("userId", "localDay");
        CREATE TABLE "achievement" ("seq" INTEGER PRIMARY KEY AUTOINCREMENT, "id" TEXT NOT NULL UNIQUE, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE RESTRICT, "employerId" TEXT NOT NULL, "programId" TEXT NOT NULL REFERENCES "program"("id") ON DELETE RESTRICT, "programName" TEXT NOT NULL, "incentive" TEXT NOT NULL, "rewardName" TEXT NOT NULL, "rewardDescription" TEXT, "rewardPayload" TEXT, "periodKey" TEXT NOT NULL, "achievedAt" DATETIME NOT NULL, "achievedOn" TEXT NOT NULL, "eventIds" TEXT NOT NULL, "eventSeq" INTEGER NOT NULL REFERENCES "event"("seq"), UNIQUE ("userId", "programId", "periodKey"));
        CREATE INDEX "achievement_on_userId" ON "achievement"("userId");
        CREATE INDEX "achievement_on_programId" ON "achievement"("programId");
        CREATE INDEX "achievement_on_eventSeq" ON "achievement"("eventSeq");
        CREATE TABLE "job" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "eventSeq" INTEGER NOT NULL UNIQUE REFERENCES "event"("seq"), "state" TEXT NOT NULL, "attempts" INTEGER NOT NULL, "runAfter" DATETIME NOT NULL, "lastError" TEXT, "createdAt" DATETIME NOT NULL);
        CREATE INDEX "job_due" ON "job"("state", "runAfter");
        CREATE TABLE "apiKey" ("id" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL, "hash" TEXT NOT NULL UNIQUE, "scopes" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, "revokedAt" DATETIME);
        """
}
