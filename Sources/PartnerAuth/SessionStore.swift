public import Foundation
import GRDB
public import IncentiveStore
import OpenSSLCrypto

/// A signed-in user's server-side session.
public struct Session: Sendable, Equatable {
    public let userID: String
    public let csrfToken: String
}

/// Server-side sessions (30 minutes idle, 12 hours absolute), password sign-in with back-off per
/// username and per address (never a hard lockout), and one-time sign-in links (5 minutes).
public struct SessionStore: Sendable {
    public static let idleLifetime: TimeInterval = 30 * 60
    public static let absoluteLifetime: TimeInterval = 12 * 3600
    public static let signInLinkLifetime: TimeInterval = 5 * 60
    /// Failures allowed before the back-off starts.
    static let freeFailures = 3

    let database: IncentiveDatabase
    let tokens: OpaqueToken

    public init(database: IncentiveDatabase, hmacKey: [UInt8]) {
        self.database = database
        tokens = OpaqueToken(hmacKey: hmacKey)
    }

    /// A new session for `userID`; the token goes in the cookie and is stored only hashed.
    public func create(userID: String, now: Date = Date()) async throws -> (token: String, session: Session) {
        let token = tokens.make(prefix: "")
        let csrf = Base64URL.encode(SecureRandom.bytes(24))
        try await database.writer.write { db in
            try db.execute(sql: "INSERT INTO session (hash, userId, csrfToken, createdAt, lastSeenAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [tokens.hash(token), userID, csrf, now, now])
        }
        return (token, Session(userID: userID, csrfToken: csrf))
    }

    /// The live session of `token`, refreshed; nil when unknown or expired.
    public func session(token: String, now: Date = Date()) async throws -> Session? {
        let hash = tokens.hash(token)
        return try await database.writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT userId, csrfToken, createdAt, lastSeenAt FROM session WHERE hash = ?", arguments: [hash])
            else { return nil }
            let created: Date = row["createdAt"]
            let lastSeen: Date = row["lastSeenAt"]
            guard now.timeIntervalSince(lastSeen) <= Self.idleLifetime, now.timeIntervalSince(created) <= Self.absoluteLifetime else {
                try db.execute(sql: "DELETE FROM session WHERE hash = ?", arguments: [hash])
                return nil
            }
            try db.execute(sql: "UPDATE session SET lastSeenAt = ? WHERE hash = ?", arguments: [now, hash])
            return Session(userID: row["userId"], csrfToken: row["csrfToken"])
        }
    }

    public func destroy(token: String) async throws {
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM session WHERE hash = ?", arguments: [tokens.hash(token)])
        }
    }

    public enum SignInOutcome: Sendable, Equatable {
        case signedIn(userID: String)
        case wrongCredentials
        /// Too many failures lately for this username or address: wait this many seconds.
        case backOff(seconds: Int)
    }

    /// Checks a password with back-off per username and per address; a success clears both.
    public func signIn(username: String, password: String, address: String, now: Date = Date()) async throws -> SignInOutcome {
        let keys = ["user:" + username.lowercased(), "addr:" + address]
        let wait = try await database.writer.read { db in
            try keys.compactMap { key -> Date? in try Date.fetchOne(db, sql: "SELECT nextAllowedAt FROM loginThrottle WHERE key = ?", arguments: [key]) }.max()
        }
        if let wait, wait > now { return .backOff(seconds: Int(wait.timeIntervalSince(now).rounded(.up))) }
        let stored = try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, passwordHash FROM user WHERE username = ?", arguments: [username])
        }
        // Without a stored hash the comparison still costs a full derivation: no user enumeration by timing.
        let hash: String = stored?["passwordHash"] ?? "pbkdf2-sha256$600000$00$00"
        let valid = PasswordHash.verify(password, against: hash) && stored != nil
        try await database.writer.write { db in
            for key in keys {
                if valid {
                    try db.execute(sql: "DELETE FROM loginThrottle WHERE key = ?", arguments: [key])
                } else {
                    let failures = (try Int.fetchOne(db, sql: "SELECT failures FROM loginThrottle WHERE key = ?", arguments: [key]) ?? 0) + 1
                    let delay = failures <= Self.freeFailures ? 0 : min(300, pow(2, Double(failures - Self.freeFailures)))
                    try db.execute(sql: """
                        INSERT INTO loginThrottle (key, failures, nextAllowedAt) VALUES (?, ?, ?)
                        ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, nextAllowedAt = excluded.nextAllowedAt
                        """, arguments: [key, failures, now.addingTimeInterval(delay)])
                }
            }
        }
        guard valid, let stored else { return .wrongCredentials }
        return .signedIn(userID: stored["id"])
    }

    /// A one-time sign-in link token for a user the app has signed in (5 minutes, single use).
    public func createSignInLink(userID: String, now: Date = Date()) async throws -> (token: String, expiresAt: Date) {
        let token = tokens.make(prefix: "isl_")
        let expiresAt = now.addingTimeInterval(Self.signInLinkLifetime)
        try await database.writer.write { db in
            guard try UserRecord.fetchOne(db, key: userID) != nil else { throw StoreError.notFound("user \(userID)") }
            try db.execute(sql: "INSERT INTO signInLink (hash, userId, expiresAt) VALUES (?, ?, ?)",
                           arguments: [tokens.hash(token), userID, expiresAt])
        }
        return (token, expiresAt)
    }

    /// The user of an unused, unexpired link, which is used up by this call.
    public func consumeSignInLink(_ token: String, now: Date = Date()) async throws -> String? {
        let hash = tokens.hash(token)
        return try await database.writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT userId, expiresAt, usedAt FROM signInLink WHERE hash = ?", arguments: [hash]),
                  (row["usedAt"] as Date?) == nil, (row["expiresAt"] as Date) > now
            else { return nil }
            try db.execute(sql: "UPDATE signInLink SET usedAt = ? WHERE hash = ?", arguments: [now, hash])
            return row["userId"]
        }
    }
}
