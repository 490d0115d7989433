/// Feed positions become the partner's own (issue 17): the award sequence was global, so two
/// partners with a grant from the same user saw the same number for the same award and could
/// join their views. Each partner now has a counter (`partnerFeedHead`) and a row takes a new
/// value past it when it enters that partner's feed: at its award, or when a grant (or an
/// undone revocation) backfills the user's past awards after everything the partner has seen.
/// The counters start at a random point above 10^12 (`PartnerFeed.positionOrigin`, above every
/// global sequence a partner may still hold, so an old `since` is told apart and refused) and
/// step by a random gap of 1 to 65,536: equal counters would hand two partners with the same
/// users the same positions for the same awards again.
enum Migration14PartnerLocalFeedPositions: FrozenMigration {
    static let identifier = "v14-partner-local-feed-positions"
    static let sql = """
        DROP TRIGGER partnerFeed_onAward;
        DROP TRIGGER partnerFeed_onGrant;
        DROP TRIGGER partnerFeed_onRevoke;
        DROP TRIGGER partnerFeed_onGrantDelete;
        DROP TRIGGER partnerFeed_onRestore;

        CREATE TABLE partnerFeedHead (
            clientId TEXT PRIMARY KEY NOT NULL REFERENCES partner(clientId),
            lastPosition INTEGER NOT NULL
        ) WITHOUT ROWID;

        INSERT INTO partnerFeedHead (clientId, lastPosition) SELECT clientId, 1000000000000 + (random() & 1099511627775) FROM partner;

        CREATE TRIGGER partnerFeedHead_onPartner AFTER INSERT ON partner BEGIN
            INSERT INTO partnerFeedHead (clientId, lastPosition) VALUES (NEW.clientId, 1000000000000 + (random() & 1099511627775));
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
            UPDATE partnerFeedHead SET lastPosition = lastPosition + 1 + (random() & 65535) WHERE clientId IN (SELECT g.clientId FROM "grant" g JOIN partner p ON p.clientId = g.clientId
        WHERE g.userId = NEW.userId AND g.revokedAt IS NULL
          AND EXISTS (SELECT 1 FROM json_each(p.programIds) WHERE json_each.value = NEW.programId));
            INSERT INTO partnerFeedEntry (clientId, position, seq, userId)
            SELECT h.clientId, h.lastPosition, NEW.seq, NEW.userId FROM partnerFeedHead h WHERE h.clientId IN (SELECT g.clientId FROM "grant" g JOIN partner p ON p.clientId = g.clientId
        WHERE g.userId = NEW.userId AND g.revokedAt IS NULL
          AND EXISTS (SELECT 1 FROM json_each(p.programIds) WHERE json_each.value = NEW.programId));
        END;

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
        """
}
