/// The partner feed index: one row per achievement a partner may see right now (its programs,
/// users with an active grant to it), keyed by partner and award sequence, so a page is a range
/// read that costs the same at any position and whatever other partners hold. Triggers keep it
/// in the same transaction as the award, the grant and the revocation that change it.
enum Migration06PartnerFeed: FrozenMigration {
    static let identifier = "v6-partner-feed"
    static let sql = """
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
        """
}
