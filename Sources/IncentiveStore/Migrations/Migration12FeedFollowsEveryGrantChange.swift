/// The partner feed index follows a grant however it ends or comes back: deleted, or its
/// revocation undone, not only revoked (the feed reads the index without checking grants).
enum Migration12FeedFollowsEveryGrantChange: FrozenMigration {
    static let identifier = "v12-feed-follows-every-grant-change"
    static let sql = """
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
        """
}
