import Foundation
import GRDB
import IncentiveStore
import Testing

/// The purge on a real SQLite file (foreign keys on) with an injected clock: what is dead goes,
/// what still counts stays.
@Suite("Purge of expired sessions, codes, links, throttles and dead refresh families")
struct StatePurgeTests {
    static let hour: TimeInterval = 3600
    static let day: TimeInterval = 86_400

    static func policy(keep: TimeInterval = hour, batch: Int = 2) -> StatePurge.Policy {
        var policy = StatePurge.Policy(sessionIdle: 30 * 60, sessionAbsolute: 12 * hour, refreshIdle: 30 * day,
                                       refreshAbsolute: 365 * day, keepDead: keep)
        policy.batchSize = batch
        return policy
    }

    /// One user with a grant to one partner, and rows of every purged kind, each named after whether it must survive.
    static func seed(_ f: StoreFixture) async throws {
        try await f.employer()
        try await f.user("u1")
        let now = f.now
        @Sendable func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }
        try await f.database.writer.write { db in
            try db.execute(literal: """
                INSERT INTO partner (clientId, name, secretHash, redirectUris, scopes, programIds, disabled, createdAt)
                VALUES ('c1', 'P', 'h', '[]', 'achievements:read', '[]', 0, \(ago(400 * day)))
                """)
            try db.execute(literal: "INSERT INTO \"grant\" (id, userId, clientId, scopes, createdAt) VALUES ('g1', 'u1', 'c1', 's', \(ago(400 * day)))")
            for (name, lastSeen, created) in [("keep-session", ago(10 * 60), ago(hour)), ("dead-idle-session", ago(2 * hour), ago(3 * hour)),
                                              ("dead-old-session", ago(60), ago(14 * hour)), ("recent-idle-session", ago(40 * 60), ago(hour))] {
                try db.execute(literal: "INSERT INTO session (hash, userId, csrfToken, createdAt, lastSeenAt) VALUES (\(name), 'u1', 'x', \(created), \(lastSeen))")
            }
            for (name, expires) in [("keep-code", now.addingTimeInterval(30)), ("dead-code", ago(2 * hour)), ("recent-code", ago(60))] {
                try db.execute(literal: """
                    INSERT INTO authorizationCode (hash, clientId, grantId, redirectUri, codeChallenge, scopes, expiresAt)
                    VALUES (\(name), 'c1', 'g1', 'r', 'c', 's', \(expires))
                    """)
                try db.execute(literal: "INSERT INTO signInLink (hash, userId, expiresAt) VALUES (\(name), 'u1', \(expires))")
                try db.execute(literal: "INSERT INTO revokedAccessToken (jti, expiresAt) VALUES (\(name), \(expires))")
                try db.execute(literal: "INSERT INTO loginThrottle (key, failures, nextAllowedAt) VALUES (\(name), 3, \(expires))")
            }
            let families: [(String, Date, Date, Date?)] = [
                ("keep-family", ago(100 * day), ago(day), nil),
                ("dead-revoked-family", ago(10 * day), ago(2 * day), ago(2 * day)),
                ("recent-revoked-family", ago(10 * day), ago(2 * day), ago(60)),
                ("dead-idle-family", ago(100 * day), ago(31 * day), nil),
                ("dead-old-family", ago(366 * day), ago(day), nil),
            ]
            for (id, created, lastUsed, revoked) in families {
                try db.execute(literal: """
                    INSERT INTO refreshFamily (id, grantId, clientId, scopes, createdAt, lastUsedAt, revokedAt)
                    VALUES (\(id), 'g1', 'c1', 's', \(created), \(lastUsed), \(revoked))
                    """)
                for index in 0..<5 {
                    try db.execute(literal: "INSERT INTO refreshToken (hash, familyId, createdAt) VALUES (\("\(id)-\(index)"), \(id), \(created))")
                }
            }
        }
    }

    static func survivors(_ f: StoreFixture, _ table: String, key: String) async throws -> [String] {
        try await f.database.writer.read { db in try String.fetchAll(db, sql: "SELECT \(key) FROM \"\(table)\" ORDER BY \(key)") }
    }

    @Test("dead rows go in batches, children before parents; live and recently dead rows stay")
    func purgesOnlyTheDead() async throws {
        let f = try StoreFixture()
        try await Self.seed(f)
        let report = try await StatePurge(database: f.database, policy: Self.policy()).run(now: f.now)

        #expect(try await Self.survivors(f, "session", key: "hash") == ["keep-session", "recent-idle-session"])
        for (table, key) in [("authorizationCode", "hash"), ("signInLink", "hash"), ("revokedAccessToken", "jti"), ("loginThrottle", "key")] {
            #expect(try await Self.survivors(f, table, key: key) == ["keep-code", "recent-code"], "\(table)")
        }
        #expect(try await Self.survivors(f, "refreshFamily", key: "id") == ["keep-family", "recent-revoked-family"])
        let tokens = try await Self.survivors(f, "refreshToken", key: "hash")
        #expect(tokens.count == 10 && tokens.allSatisfy { $0.hasPrefix("keep-family") || $0.hasPrefix("recent-revoked-family") })
        #expect(report.counts["refreshToken"] == 15 && report.counts["refreshFamily"] == 3 && report.counts["session"] == 2)
        #expect(report.total == 2 + 4 * 1 + 15 + 3)
        // The grant and the user are consent and identity, not expired state.
        #expect(try await Self.survivors(f, "grant", key: "id") == ["g1"])
    }

    @Test("a second run a day later takes what has died since, and nothing the first run left is lost twice")
    func laterRunTakesTheNewlyDead() async throws {
        let f = try StoreFixture()
        try await Self.seed(f)
        let purge = StatePurge(database: f.database, policy: Self.policy())
        _ = try await purge.run(now: f.now)
        let again = try await purge.run(now: f.now)
        #expect(again.total == 0)
        let later = try await purge.run(now: f.now.addingTimeInterval(Self.day))
        #expect(try await Self.survivors(f, "session", key: "hash") == [])
        #expect(try await Self.survivors(f, "authorizationCode", key: "hash") == [])
        #expect(try await Self.survivors(f, "refreshFamily", key: "id") == ["keep-family"])
        #expect(later.counts["refreshFamily"] == 1 && later.counts["refreshToken"] == 5)
    }
}
