/// OAuth for partners: the partners, the grants users give them, authorization codes, refresh
/// token families and their tokens, and revoked access tokens.
///
/// - `partner.redirectUris` is a JSON array, matched exactly; `scopes` is space-separated;
///   `programIds` is a JSON array.
/// - `authorizationCode.familyId` is what the code issued, revoked on reuse.
enum Migration02PartnerAccess: FrozenMigration {
    static let identifier = "v2-partner-access"
    static let sql = """
        CREATE TABLE "partner" ("clientId" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL, "secretHash" TEXT NOT NULL, "redirectUris" TEXT NOT NULL, "scopes" TEXT NOT NULL, "programIds" TEXT NOT NULL, "disabled" BOOLEAN NOT NULL, "createdAt" DATETIME NOT NULL);
        CREATE TABLE "grant" ("id" TEXT PRIMARY KEY NOT NULL, "userId" TEXT NOT NULL REFERENCES "user"("id") ON DELETE RESTRICT, "clientId" TEXT NOT NULL REFERENCES "partner"("clientId"), "scopes" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, "revokedAt" DATETIME);
        CREATE INDEX "grant_on_userId" ON "grant"("userId");
        CREATE INDEX "grant_active" ON "grant"("userId", "clientId", "revokedAt");
        CREATE TABLE "authorizationCode" ("hash" TEXT PRIMARY KEY NOT NULL, "clientId" TEXT NOT NULL REFERENCES "partner"("clientId"), "grantId" TEXT NOT NULL REFERENCES "grant"("id"), "redirectUri" TEXT NOT NULL, "codeChallenge" TEXT NOT NULL, "scopes" TEXT NOT NULL, "expiresAt" DATETIME NOT NULL, "usedAt" DATETIME, "familyId" TEXT);
        CREATE TABLE "refreshFamily" ("id" TEXT PRIMARY KEY NOT NULL, "grantId" TEXT NOT NULL REFERENCES "grant"("id"), "clientId" TEXT NOT NULL REFERENCES "partner"("clientId"), "scopes" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, "lastUsedAt" DATETIME NOT NULL, "revokedAt" DATETIME, "revokedReason" TEXT);
        CREATE INDEX "refreshFamily_on_grantId" ON "refreshFamily"("grantId");
        CREATE TABLE "refreshToken" ("hash" TEXT PRIMARY KEY NOT NULL, "familyId" TEXT NOT NULL REFERENCES "refreshFamily"("id"), "createdAt" DATETIME NOT NULL, "rotatedAt" DATETIME);
        CREATE INDEX "refreshToken_on_familyId" ON "refreshToken"("familyId");
        CREATE TABLE "revokedAccessToken" ("jti" TEXT PRIMARY KEY NOT NULL, "expiresAt" DATETIME NOT NULL);
        """
}
