import Foundation
import GRDB
import IncentiveStore
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

        // Consent again: every row of the user's, old and new, is back.
        _ = try await f.tokens.grant(userID: "u1", partner: a, scopes: ["achievements:read"])
        #expect(try Self.users(feed, a) == ["u1", "u2", "u1"])

        // A wider consent replaces the grant (revoking the old one): the rows stay.
        _ = try await f.tokens.grant(userID: "u1", partner: a, scopes: ["achievements:read", "profile"])
        #expect(try Self.users(feed, a) == ["u1", "u2", "u1"])
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
        #expect(try Self.users(feed, a) == ["u1", "u2"])

        try await f.database.writer.write { db in
            try db.execute(sql: "DELETE FROM refreshFamily WHERE grantId = ?", arguments: [grant.id])
            try db.execute(sql: "DELETE FROM authorizationCode WHERE grantId = ?", arguments: [grant.id])
            try db.execute(sql: #"DELETE FROM "grant" WHERE id = ?"#, arguments: [grant.id])
        }
        #expect(try Self.users(feed, a) == ["u2"])
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
