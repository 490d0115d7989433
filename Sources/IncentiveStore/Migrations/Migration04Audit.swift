/// The audit log. Append-only: rows are only ever added, or removed from the start by retention.
enum Migration04Audit: FrozenMigration {
    static let identifier = "v4-audit"
    static let sql = """
        CREATE TABLE "auditEvent" ("seq" INTEGER PRIMARY KEY, "at" DATETIME NOT NULL, "type" TEXT NOT NULL, "outcome" TEXT NOT NULL, "clientId" TEXT, "userId" TEXT, "subject" TEXT, "grantId" TEXT, "jti" TEXT, "path" TEXT, "status" INTEGER, "rows" INTEGER, "address" TEXT, "requestId" TEXT, "detail" TEXT, "mac" TEXT NOT NULL);
        CREATE INDEX "auditEvent_on_at" ON "auditEvent"("at");
        """
}
