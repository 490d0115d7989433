import Foundation
import GRDB
@testable import IncentiveStore
@testable import PartnerAuth
import Testing

/// The feed reads its index without checking grants row by row: these pin that the index alone
/// follows every grant and revoke, on a real SQLite file.
@Suite("The partner feed follows grants through its index")
struct PartnerFeedGrantTests {
    @Test("a revoke hides the user's rows at once, a new grant brings them back, other users and partners are untouched")
    func revokesAndGrants() async throws {
        let f = try await OAuthFixture()
        try await Self.program(f, id: "p1")
        let (a, _) = try await f.partners.create(name: "A", redirectURIs: [f.redirect], scopes: ["achievements:read"], programIDs: ["p1"])
        let (b, _) = try await f.partners.create(name: "B", redirectURIs: [f.redirect], scopes: ["achievements:read"], programIDs: ["p1"])
        for user in ["u1", "u2"] {
            _ = try await f.tokens.grant(userID: user, partner: a, scopes: ["achievements:read"])
            _ = try await f.tokens.grant(userID: user, partner: b, scopes: ["achievements:read"])
        }
        try await Self.award(f, user: "u1", id: "a1")
        try await Self.award(f, user: "u2", id: "a2")
        let feed = PartnerFeed(database: f.database)
        #expect(try Self.users(feed, a) == ["u1", "u2"])

        let grant = try #require(try await f.tokens.activeGrant(userID: "u1", clientID: a.clientId))
        try await f.tokens.revokeGrant(id: grant.id)
        #expect(try Self.users(feed, a) == ["u2"])
        #expect(try Self.users(feed, a, userID: "u1") == [])
        #expect(try Self.users(feed, b) == ["u1", "u2"])

        try await Self.award(f, user: "u1", id: "a3")  // awarded while revoked: not for A
        #expect(try Self.users(feed, a) == ["u2"])

        // Consent again: every row of the user's, old and new, is back, at positions after
        // everything the partner has seen (issue 17: positions are the partner's own).
        _ = try await f.tokens.grant(userID: "u1", partner: a, scopes: ["achievements:read"])
        #expect(try Self.users(feed, a) == ["u2", "u1", "u1"])

        // A wider consent replaces the grant (revoking the old one): the rows stay.
        _ = try await f.tokens.grant(userID: "u1", partner: a, scopes: ["achievements:read", "profile"])
        #expect(try Self.users(feed, a) == ["u2", "u1", "u1"])
    }

    @Test("a grant deleted outright, or a revocation undone, moves the user's rows as a revoke and a grant do")
    func deletesAndRestores() async throws {
        let f = try await OAuthFixture()
        try await Self.program(f, id: "p1")
        let (a, _) = try await f.partners.create(name: "A", redirectURIs: [f.redirect], scopes: ["achievements:read"], programIDs: ["p1"])
        let grant = try await f.tokens.grant(userID: "u1", partner: a, scopes: ["achievements:read"])
        _ = try await f.tokens.grant(userID: "u2", partner: a, scopes: ["achievements:read"])
        try await Self.award(f, user: "u1", id: "a1")
        try await Self.award(f, user: "u2", id: "a2")
        let feed = PartnerFeed(database: f.database)

        try await f.tokens.revokeGrant(id: grant.id)
        #expect(try Self.users(feed, a) == ["u2"])
        try await f.database.writer.write { db in try db.execute(sql: #"UPDATE "grant" SET revokedAt = NULL WHERE id = ?"#, arguments: [grant.id]) }
        #expect(try Self.users(feed, a) == ["u2", "u1"])  // back after what the partner has seen

        try await f.database.writer.write { db in
            try db.execute(sql: "DELETE FROM refreshFamily WHERE grantId = ?", arguments: [grant.id])
            try db.execute(sql: "DELETE FROM authorizationCode WHERE grantId = ?", arguments: [grant.id])
            try db.execute(sql: #"DELETE FROM "grant" WHERE id = ?"#, arguments: [grant.id])
        }
        #expect(try Self.users(feed, a) == ["u2"])
    }

    @Test("a grant backfills the user's past awards at positions after everything the partner has seen")
    func backfillComesAfterTheCursor() async throws {
        let f = try await OAuthFixture()
        try await Self.program(f, id: "p1")
        let (a, _) = try await f.partners.create(name: "A", redirectURIs: [f.redirect], scopes: ["achievements:read"], programIDs: ["p1"])
        try await Self.award(f, user: "u2", id: "early")  // before u2 grants A
        _ = try await f.tokens.grant(userID: "u1", partner: a, scopes: ["achievements:read"])
        try await Self.award(f, user: "u1", id: "later")
        let feed = PartnerFeed(database: f.database)
        let seen = try #require(try Self.rows(feed, a).last?.position)

        _ = try await f.tokens.grant(userID: "u2", partner: a, scopes: ["achievements:read"])
        #expect(try Self.rows(feed, a, after: seen).map(\.achievement) == ["early"])
    }

    @Test("two partners with grants from the same user never see the same position for the same award")
    func positionsArePartnerLocal() async throws {
        let f = try await OAuthFixture()
        try await Self.program(f, id: "p1")
        let (a, _) = try await f.partners.create(name: "A", redirectURIs: [f.redirect], scopes: ["achievements:read"], programIDs: ["p1"])
        let (b, _) = try await f.partners.create(name: "B", redirectURIs: [f.redirect], scopes: ["achievements:read"], programIDs: ["p1"])
        try await Self.award(f, user: "u1", id: "a0")  // backfilled into both feeds
        for partner in [a, b] { _ = try await f.tokens.grant(userID: "u1", partner: partner, scopes: ["achievements:read"]) }
        for index in 1...20 { try await Self.award(f, user: "u1", id: "a\(index)") }
        let feed = PartnerFeed(database: f.database)
        let (rowsA, rowsB) = (try Self.rows(feed, a), try Self.rows(feed, b))

        #expect(rowsA.map(\.achievement) == (0...20).map { "a\($0)" })
        #expect(rowsB.map(\.achievement) == rowsA.map(\.achievement))
        #expect(Set(rowsA.map(\.position)).isDisjoint(with: rowsB.map(\.position)))
        for rows in [rowsA, rowsB] {
            #expect(rows.allSatisfy { $0.position > PartnerFeed.positionOrigin })
            #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.position < $1.position })
        }
    }

    @Test("a wider consent keeps the user's rows at the positions the partner has seen")
    func widerConsentKeepsPositions() async throws {
        let f = try await OAuthFixture()
        try await Self.program(f, id: "p1")
        let (a, _) = try await f.partners.create(name: "A", redirectURIs: [f.redirect], scopes: ["achievements:read"], programIDs: ["p1"])
        _ = try await f.tokens.grant(userID: "u1", partner: a, scopes: ["achievements:read"])
        try await Self.award(f, user: "u1", id: "a1")
        let feed = PartnerFeed(database: f.database)
        let before = try Self.rows(feed, a)

        _ = try await f.tokens.grant(userID: "u1", partner: a, scopes: ["achievements:read", "profile"])
        #expect(try Self.rows(feed, a) == before)
    }

    @Test("migration v14 numbers a store's existing feed rows per partner, in award order, above the origin")
    func migrationNumbersExistingRows() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feed-v14-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: folder.appendingPathComponent(IncentiveDatabase.fileName).path)
        try IncentiveDatabase.migrator.migrate(queue, upTo: "v13-activity-masks")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO employer (id, name, createdAt) VALUES ('e1', 'E', '2026-01-01 00:00:00.000');
                INSERT INTO user (id, employerId, timezone, createdAt) VALUES ('u1', 'e1', 'UTC', '2026-01-01 00:00:00.000');
                INSERT INTO program (id, employerId, name, incentive, parameters, rewardName, repeatable, active, createdAt)
                VALUES ('p1', 'e1', 'P', 'event-reported', '{"type":"fact"}', 'Points', 1, 1, '2026-01-01 00:00:00.000');
                INSERT INTO partner (clientId, name, secretHash, redirectUris, scopes, programIds, disabled, createdAt)
                VALUES ('A', 'A', 'h1', '[]', 'achievements:read', '["p1"]', 0, '2026-01-01 00:00:00.000'),
                       ('B', 'B', 'h2', '[]', 'achievements:read', '["p1"]', 0, '2026-01-01 00:00:00.000');
                INSERT INTO "grant" (id, userId, clientId, scopes, createdAt) VALUES
                    ('g1', 'u1', 'A', 'achievements:read', '2026-01-01 00:00:00.000'),
                    ('g2', 'u1', 'B', 'achievements:read', '2026-01-01 00:00:00.000');
                """)
            for index in 1...5 {
                try db.execute(sql: """
                    INSERT INTO event (userId, eventId, type, occurredAt, timezone, localDay, employerId, evaluation, receivedAt)
                    VALUES ('u1', ?, 'fact', '2026-01-01 00:00:00.000', 'UTC', 20000, 'e1', 'complete', '2026-01-01 00:00:00.000');
                    INSERT INTO achievement (id, userId, employerId, programId, programName, incentive, rewardName, periodKey,
                                             achievedAt, achievedOn, eventIds, eventSeq)
                    VALUES (?, 'u1', 'e1', 'p1', 'P', 'event-reported', 'Points', ?, '2026-01-01 00:00:00.000', '2026-01-01', '["e"]',
                            last_insert_rowid());
                    """, arguments: ["ev\(index)", "a\(index)", "\(index)"])
            }
        }
        try IncentiveDatabase.migrator.migrate(queue)
        try await queue.read { db in
            for client in ["A", "B"] {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT a.id, e.position FROM partnerFeedEntry e JOIN achievement a ON a.seq = e.seq
                    WHERE e.clientId = ? ORDER BY e.position
                    """, arguments: [client])
                #expect(rows.map { $0["id"] as String } == (1...5).map { "a\($0)" })
                let positions: [Int64] = rows.map { $0["position"] }
                #expect(positions.allSatisfy { $0 > PartnerFeed.positionOrigin })
                let head = try Int64.fetchOne(db, sql: "SELECT lastPosition FROM partnerFeedHead WHERE clientId = ?", arguments: [client])
                #expect(head == positions.last)
            }
        }
    }

    struct FeedRow: Equatable {
        let achievement: String
        let position: Int64
    }

    static func rows(_ feed: PartnerFeed, _ partner: PartnerRecord, after position: Int64 = 0) throws -> [FeedRow] {
        var rows: [FeedRow] = []
        try feed.page(clientID: partner.clientId, userID: nil, after: position, limit: 100) { row in
            rows.append(FeedRow(achievement: String(decoding: row.text(.id)!, as: UTF8.self), position: row.int64(.position)))
        }
        return rows
    }

    static func users(_ feed: PartnerFeed, _ partner: PartnerRecord, userID: String? = nil) throws -> [String] {
        var users: [String] = []
        try feed.page(clientID: partner.clientId, userID: userID, after: 0, limit: 100) { row in
            users.append(String(decoding: row.text(.userId)!, as: UTF8.self))
        }
        return users
    }

    static func program(_ f: OAuthFixture, id: String) async throws {
        try await f.database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO program (id, employerId, name, incentive, parameters, rewardName, repeatable, active, createdAt)
                VALUES (?, 'e1', 'P', 'event-reported', '{"type":"fact"}', 'Points', 1, 1, ?)
                """, arguments: [id, Date()])
        }
    }

    static func award(_ f: OAuthFixture, user: String, id: String) async throws {
        try await f.database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO event (userId, eventId, type, value, occurredAt, timezone, localDay, employerId, evaluation, receivedAt)
                VALUES (?, ?, 'fact', NULL, ?, 'UTC', 20000, 'e1', 'complete', ?)
                """, arguments: [user, "ev-\(id)", Date(), Date()])
            try db.execute(sql: """
                INSERT INTO achievement (id, userId, employerId, programId, programName, incentive, rewardName, periodKey, achievedAt,
                                         achievedOn, eventIds, eventSeq)
                VALUES (?, ?, 'e1', 'p1', 'P', 'event-reported', 'Points', ?, ?, '2026-11-30', '["e"]', ?)
                """, arguments: [id, user, id, Date(), db.lastInsertedRowID])
        }
    }
}
