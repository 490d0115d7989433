/// Browser sign-in: sessions, sign-in links and the login throttle.
///
/// - `loginThrottle.key` is `user:<name>` or `addr:<address>`.
enum Migration03Sessions: FrozenMigration {
    static let identifier = "v3-sessions"
    static let sql = """
        CREATE TABLE "session" ("hash" TEXT PRIMARY KEY NOT NULL, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE CASCADE, "csrfToken" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, "lastSeenAt" DATETIME NOT NULL);
        CREATE INDEX "session_on_userId" ON "session"("userId");
        CREATE TABLE "signInLink" ("hash" TEXT PRIMARY KEY NOT NULL, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE CASCADE, "expiresAt" DATETIME NOT NULL, "usedAt" DATETIME);
        CREATE INDEX "signInLink_on_userId" ON "signInLink"("userId");
        CREATE TABLE "loginThrottle" ("key" TEXT PRIMARY KEY NOT NULL, "failures" INTEGER NOT NULL, "nextAllowedAt" DATETIME NOT NULL);
        """
}
