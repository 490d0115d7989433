import Foundation
import GRDB
@testable import IncentiveStore
import Testing

/// A store that holds data from the first migration on, upgraded one version at a time the way
/// shipped stores were, must keep every row and come out with the derived tables filled in.
@Suite("Upgrading a store with data from v1 to the latest schema")
struct MigrationUpgradeTests {
    static let at = "'2026-01-01 00:00:00.000'"
    static let days = [20_000, 20_001, 20_064]

    static func count(_ db: Database, _ table: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"") ?? -1
    }

    static func insertCore(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO employer (id, name, createdAt) VALUES ('e1', 'Employer', \(at));
            INSERT INTO user (id, employerId, timezone, username, passwordHash, createdAt) VALUES
                ('u1', 'e1', 'Europe/Paris', 'ann', 'pbkdf2-sha256$1$salt$hash', \(at)),
                ('u2', NULL, 'UTC', NULL, NULL, \(at));
            INSERT INTO program (id, employerId, name, incentive, parameters, rewardName, rewardDescription, rewardPayload,
                                 repeatable, active, startsAt, endsAt, createdAt) VALUES
                ('p1', 'e1', 'Streak', 'total-events', '{"type":"mood","count":1}', 'Points', 'Some points', '{"points":5}',
                 1, 1, NULL, NULL, \(at)),
                ('p2', 'e1', 'Once', 'event-reported', '{"type":"mood"}', 'Badge', NULL, NULL, 0, 1, \(at), NULL, \(at));
            INSERT INTO event (userId, eventId, type, value, occurredAt, timezone, timezoneGiven, localDay, employerId, evaluation, receivedAt) VALUES
                ('u1', 'ev1', 'mood', NULL, \(at), 'Europe/Paris', NULL, \(days[0]), 'e1', 'complete', \(at)),
                ('u1', 'ev2', 'mood', 'good', \(at), 'Europe/Paris', 'Europe/Paris', \(days[1]), 'e1', 'complete', \(at)),
                ('u1', 'ev3', 'mood', NULL, \(at), 'Europe/Paris', NULL, \(days[2]), 'e1', 'complete', \(at)),
                ('u2', 'ev4', 'sleep', NULL, \(at), 'UTC', NULL, \(days[0]), NULL, 'pending', \(at));
            INSERT INTO activityDay (userId, type, hasValue, value, localDay, events) VALUES
                ('u1', 'mood', 0, '', \(days[0]), 1), ('u1', 'mood', 0, '', \(days[1]), 2), ('u1', 'mood', 0, '', \(days[2]), 1),
                ('u1', 'mood', 1, 'good', \(days[1]), 1), ('u2', 'sleep', 0, '', \(days[0]), 3);
            INSERT INTO achievement (id, userId, employerId, programId, programName, incentive, rewardName, rewardDescription,
                                     rewardPayload, periodKey, achievedAt, achievedOn, eventIds, eventSeq) VALUES
                ('a1', 'u1', 'e1', 'p1', 'Streak', 'total-events', 'Points', 'Some points', '{"points":5}', '1', \(at), '2024-10-04', '["ev1"]', 1),
                ('a2', 'u1', 'e1', 'p1', 'Streak', 'total-events', 'Points', NULL, NULL, '2', \(at), '2024-10-05', '["ev2"]', 2),
                ('a3', 'u1', 'e1', 'p2', 'Once', 'event-reported', 'Badge', NULL, NULL, 'once', \(at), '2024-10-05', '["ev2"]', 2),
                ('a4', 'u2', 'e1', 'p1', 'Streak', 'total-events', 'Points', NULL, NULL, '07', \(at), '2024-10-04', '["ev4"]', 4);
            INSERT INTO job (eventSeq, state, attempts, runAfter, lastError, createdAt) VALUES
                (4, 'queued', 0, \(at), NULL, \(at)), (3, 'dead', 5, \(at), 'timed out', \(at));
            INSERT INTO apiKey (id, name, hash, scopes, createdAt, revokedAt) VALUES
                ('k1', 'ops', 'hash-k1', 'admin', \(at), NULL), ('k2', 'old', 'hash-k2', 'events:write', \(at), \(at));
            """)
    }

    static func insertPartnerAccess(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO partner (clientId, name, secretHash, redirectUris, scopes, programIds, disabled, createdAt) VALUES
                ('A', 'Partner A', 'secret-a', '["https://a.example/cb"]', 'achievements:read', '["p1"]', 0, \(at)),
                ('B', 'Partner B', 'secret-b', '["https://b.example/cb"]', 'achievements:read profile', '["p1","p2"]', 0, \(at)),
                ('C', 'Partner C', 'secret-c', '[]', 'achievements:read', '[]', 1, \(at));
            INSERT INTO "grant" (id, userId, clientId, scopes, createdAt, revokedAt) VALUES
                ('gA', 'u1', 'A', 'achievements:read', \(at), NULL),
                ('gB', 'u1', 'B', 'achievements:read', \(at), \(at)),
                ('gB2', 'u2', 'B', 'achievements:read profile', \(at), NULL);
            INSERT INTO authorizationCode (hash, clientId, grantId, redirectUri, codeChallenge, scopes, expiresAt, usedAt, familyId) VALUES
                ('code-1', 'A', 'gA', 'https://a.example/cb', 'challenge', 'achievements:read', \(at), \(at), 'f1');
            INSERT INTO refreshFamily (id, grantId, clientId, scopes, createdAt, lastUsedAt, revokedAt, revokedReason) VALUES
                ('f1', 'gA', 'A', 'achievements:read', \(at), \(at), NULL, NULL),
                ('f2', 'gB', 'B', 'achievements:read', \(at), \(at), \(at), 'grant revoked');
            INSERT INTO refreshToken (hash, familyId, createdAt, rotatedAt) VALUES
                ('rt-1', 'f1', \(at), \(at)), ('rt-2', 'f1', \(at), NULL), ('rt-3', 'f2', \(at), NULL);
            INSERT INTO revokedAccessToken (jti, expiresAt) VALUES ('jti-1', \(at));
            """)
    }

    static func insertSessions(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO session (hash, userId, csrfToken, createdAt, lastSeenAt) VALUES ('s1', 'u1', 'csrf', \(at), \(at));
            INSERT INTO signInLink (hash, userId, expiresAt, usedAt) VALUES ('l1', 'u1', \(at), NULL), ('l2', 'u2', \(at), \(at));
            INSERT INTO loginThrottle (key, failures, nextAllowedAt) VALUES ('user:ann', 3, \(at)), ('addr:192.0.2.1', 1, \(at));
            """)
    }

    static func insertAudit(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO auditEvent (seq, at, type, outcome, clientId, userId, subject, grantId, jti, path, status, rows, address,
                                    requestId, detail, mac) VALUES
                (1, \(at), 'token.issued', 'success', 'A', 'u1', 'u1', 'gA', 'jti-1', '/oauth/token', 200, NULL, '192.0.2.1',
                 'req-1', NULL, 'mac-1'),
                (2, \(at), 'feed.read', 'success', 'A', NULL, NULL, NULL, NULL, '/v1/partner/feed', 200, 2, NULL, 'req-2',
                 '{"since":0}', 'mac-2');
            """)
    }

    @Test("every row survives, the derived tables are backfilled and the store is consistent")
    func upgradeKeepsData() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        let migrator = IncentiveDatabase.migrator
        try migrator.migrate(queue, upTo: "v1-core")
        try queue.write(Self.insertCore)
        try migrator.migrate(queue, upTo: "v2-partner-access")
        try queue.write(Self.insertPartnerAccess)
        try migrator.migrate(queue, upTo: "v3-sessions")
        try queue.write(Self.insertSessions)
        try migrator.migrate(queue, upTo: "v4-audit")
        try queue.write(Self.insertAudit)
        try migrator.migrate(queue)

        try queue.read { db in
            #expect(try migrator.appliedMigrations(db) == migrator.migrations)
            let counts = [
                "employer": 1, "user": 2, "program": 2, "event": 4, "activityDay": 5, "achievement": 4, "job": 2, "apiKey": 2,
                "partner": 3, "grant": 3, "authorizationCode": 1, "refreshFamily": 2, "refreshToken": 3, "revokedAccessToken": 1,
                "session": 1, "signInLink": 2, "loginThrottle": 2, "auditEvent": 2,
            ]
            for (table, expected) in counts {
                #expect(try Self.count(db, table) == expected, "rows of \(table)")
            }
            #expect(try String.fetchOne(db, sql: "SELECT username FROM user WHERE id = 'u1'") == "ann")
            #expect(try String.fetchAll(db, sql: "SELECT id FROM achievement ORDER BY seq") == ["a1", "a2", "a3", "a4"])
            #expect(try String.fetchOne(db, sql: "SELECT rewardPayload FROM achievement WHERE id = 'a1'") == #"{"points":5}"#)
            #expect(try Row.fetchAll(db, sql: "SELECT eventSeq, state, programIds FROM job ORDER BY id")
                    == [["eventSeq": 4, "state": "queued", "programIds": nil], ["eventSeq": 3, "state": "dead", "programIds": nil]])
            #expect(try String.fetchOne(db, sql: "SELECT detail FROM auditEvent WHERE seq = 2") == #"{"since":0}"#)
            #expect(try String.fetchAll(db, sql: "SELECT hash FROM refreshToken WHERE familyId = 'f1' ORDER BY hash") == ["rt-1", "rt-2"])
            #expect(try Int.fetchOne(db, sql: "SELECT failures FROM loginThrottle WHERE key = 'user:ann'") == 3)

            #expect(try Row.fetchAll(db, sql: "SELECT userId, type, hasValue, value, events FROM activityTotal ORDER BY 1, 2, 3, 4") == [
                ["userId": "u1", "type": "mood", "hasValue": false, "value": "", "events": 4],
                ["userId": "u1", "type": "mood", "hasValue": true, "value": "good", "events": 1],
                ["userId": "u2", "type": "sleep", "hasValue": false, "value": "", "events": 3],
            ])
            var masks: [Int: Int64] = [:]
            for day in Self.days { masks[day >> 6, default: 0] |= 1 << Int64(day & 63) }
            #expect(try Row.fetchAll(db, sql: """
                SELECT block, days FROM activityMask WHERE userId = 'u1' AND type = 'mood' AND hasValue = 0 ORDER BY block
                """) == masks.keys.sorted().map { ["block": $0, "days": masks[$0]!] as Row })
            #expect(try Row.fetchAll(db, sql: "SELECT userId, block, type, value, days FROM activityMask WHERE userId = 'u2' OR hasValue = 1 ORDER BY 1") == [
                ["userId": "u1", "block": Self.days[1] >> 6, "type": "mood", "value": "good", "days": Int64(1) << Int64(Self.days[1] & 63)],
                ["userId": "u2", "block": Self.days[0] >> 6, "type": "sleep", "value": "", "days": Int64(1) << Int64(Self.days[0] & 63)],
            ])
            #expect(try Row.fetchAll(db, sql: "SELECT userId, programId, held, highest FROM achievementTally ORDER BY 1, 2") == [
                ["userId": "u1", "programId": "p1", "held": 2, "highest": 2],
                ["userId": "u1", "programId": "p2", "held": 1, "highest": -1],
                ["userId": "u2", "programId": "p1", "held": 1, "highest": -1],
            ])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM programGeneration") == 1)

            // A sees u1's p1 awards; B sees u2's p1 award only, its grant from u1 being revoked.
            let feed = try Row.fetchAll(db, sql: "SELECT clientId, a.id, position FROM partnerFeedEntry JOIN achievement a USING (seq) ORDER BY clientId, position")
            #expect(feed.map { [$0["clientId"] as String, $0["id"] as String] } == [["A", "a1"], ["A", "a2"], ["B", "a4"]])
            #expect(feed.allSatisfy { ($0["position"] as Int64) > 1_000_000_000_000 })
            let heads = try Row.fetchAll(db, sql: "SELECT clientId, lastPosition FROM partnerFeedHead ORDER BY clientId")
            #expect(heads.map { $0["clientId"] as String } == ["A", "B", "C"])
            #expect(heads.allSatisfy { ($0["lastPosition"] as Int64) > 1_000_000_000_000 })
            for client in ["A", "B"] {
                let last = feed.filter { ($0["clientId"] as String) == client }.map { $0["position"] as Int64 }.max()
                let head = heads.first { ($0["clientId"] as String) == client }.map { $0["lastPosition"] as Int64 }
                #expect(head != nil && head == last, "head of \(client)")
            }

            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
        }

        // The upgraded store's triggers keep the derived tables from here on.
        try queue.write { db in
            let head = try Int64.fetchOne(db, sql: "SELECT lastPosition FROM partnerFeedHead WHERE clientId = 'A'")!
            try db.execute(sql: """
                INSERT INTO achievement (id, userId, employerId, programId, programName, incentive, rewardName, periodKey,
                                         achievedAt, achievedOn, eventIds, eventSeq)
                VALUES ('a5', 'u1', 'e1', 'p1', 'Streak', 'total-events', 'Points', '3', \(Self.at), '2024-12-01', '["ev3"]', 3)
                """)
            #expect(try Int64.fetchOne(db, sql: "SELECT position FROM partnerFeedEntry e JOIN achievement a USING (seq) WHERE a.id = 'a5'")
                    .map { $0 > head } == true)
            #expect(try Row.fetchOne(db, sql: "SELECT held, highest FROM achievementTally WHERE userId = 'u1' AND programId = 'p1'")
                    == ["held": 3, "highest": 3])
        }
    }
}
