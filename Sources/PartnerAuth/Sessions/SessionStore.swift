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
    /// The longest back-off after one failure.
    static let maximumDelay: TimeInterval = 300
    /// A failure count halves for each such period without attempts after its back-off ended.
    static let decayPeriod: TimeInterval = 15 * 60

    let database: IncentiveDatabase
    let tokens: OpaqueToken
    let passwords: PasswordHasher
    /// Where a sign-in by link is audited, in the transaction that uses the link up.
    let audit: AuditChain?

    public init(database: IncentiveDatabase, hmacKey: [UInt8], passwords: PasswordHasher, audit: AuditChain? = nil) {
        self.database = database
        tokens = OpaqueToken(hmacKey: hmacKey)
        self.passwords = passwords
        self.audit = audit
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
        /// Too many password checks running and waiting already: try again in this many seconds.
        case busy(seconds: Int)
    }

    /// Checks a password with back-off per username and per address. The attempt is counted as a
    /// failure before the password is checked, in the same transaction as the back-off check, so
    /// parallel guesses cannot all slip through one open window. A success clears the username's
    /// count and takes back its own count on the address, never more: a sprayer who signs in to
    /// their own account between guesses stays slowed.
    public func signIn(username: String, password: String, address: String, now: Date = Date()) async throws -> SignInOutcome {
        let userKey = "user:" + username.lowercased(), addressKey = "addr:" + address
        let keys = [userKey, addressKey]
        let admitted: (id: String, hash: String?)?? = try await database.writer.write { db in
            let wait = try keys.compactMap { key -> Date? in
                try Date.fetchOne(db, sql: "SELECT nextAllowedAt FROM loginThrottle WHERE key = ?", arguments: [key])
            }.max()
            if let wait, wait > now { return nil }
            for key in keys { try Self.countFailure(key, now: now, in: db) }
            let row = try Row.fetchOne(db, sql: "SELECT id, passwordHash FROM user WHERE username = ?", arguments: [username])
            return .some(row.map { (id: $0["id"] as String, hash: $0["passwordHash"] as String?) })
        }
        guard let admitted else {
            let wait = try await retryAfter(keys: keys, now: now)
            return .backOff(seconds: wait)
        }
        // A user without a password, or no such user, still costs a full derivation: no enumeration by timing.
        let storedHash = admitted?.hash
        let matches: Bool
        do {
            matches = try await passwords.verify(password, against: storedHash ?? Self.dummyHash)
        } catch let busy as PasswordHasher.Busy {
            // No password was checked: the attempt counts against nobody.
            try await database.writer.write { db in
                for key in keys { try Self.takeBackAttempt(key, now: now, in: db) }
            }
            return .busy(seconds: busy.retryAfterSeconds)
        }
        guard matches, storedHash != nil, let user = admitted else { return .wrongCredentials }
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM loginThrottle WHERE key = ?", arguments: [userKey])
            try Self.takeBackAttempt(addressKey, now: now, in: db)
        }
        return .signedIn(userID: user.id)
    }

    /// A well-formed hash no password can match in practice (32-byte salt and output).
    static let dummyHash = "pbkdf2-sha256$600000$" + String(repeating: "ab", count: 32) + "$" + String(repeating: "cd", count: 32)

    private static func countFailure(_ key: String, now: Date, in db: Database) throws {
        let row = try Row.fetchOne(db, sql: "SELECT failures, nextAllowedAt FROM loginThrottle WHERE key = ?", arguments: [key])
        let failures = decayed(row?["failures"] ?? 0, backOffEnded: row?["nextAllowedAt"], now: now) + 1
        try db.execute(sql: """
            INSERT INTO loginThrottle (key, failures, nextAllowedAt) VALUES (?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, nextAllowedAt = excluded.nextAllowedAt
            """, arguments: [key, failures, now.addingTimeInterval(delay(afterFailures: failures))])
    }

    /// Undoes one attempt's count on `key`, and any wait beyond what the remaining count gives
    /// from now (else sign-ins in flight together would leave a wait behind them).
    private static func takeBackAttempt(_ key: String, now: Date, in db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT failures, nextAllowedAt FROM loginThrottle WHERE key = ?", arguments: [key])
        else { return }
        let failures = max(0, (row["failures"] as Int) - 1)
        let wait = min(row["nextAllowedAt"] as Date, now.addingTimeInterval(delay(afterFailures: failures)))
        try db.execute(sql: "UPDATE loginThrottle SET failures = ?, nextAllowedAt = ? WHERE key = ?", arguments: [failures, wait, key])
    }

    /// No wait for the first few failures, then 2, 4, 8 ... seconds up to the maximum.
    static func delay(afterFailures failures: Int) -> TimeInterval {
        failures <= freeFailures ? 0 : min(maximumDelay, pow(2, Double(failures - freeFailures)))
    }

    /// Halved for each whole decay period since the back-off ended: nobody stays slowed for good,
    /// while an attacker who keeps guessing never pauses that long and keeps the count.
    static func decayed(_ failures: Int, backOffEnded: Date?, now: Date) -> Int {
        guard let backOffEnded, now > backOffEnded else { return failures }
        let halvings = now.timeIntervalSince(backOffEnded) / decayPeriod
        return halvings >= Double(Int.bitWidth - 1) ? 0 : failures >> Int(halvings)
    }

    private func retryAfter(keys: [String], now: Date) async throws -> Int {
        let wait = try await database.writer.read { db in
            try keys.compactMap { key -> Date? in
                try Date.fetchOne(db, sql: "SELECT nextAllowedAt FROM loginThrottle WHERE key = ?", arguments: [key])
            }.max()
        }
        return max(1, Int((wait ?? now).timeIntervalSince(now).rounded(.up)))
    }

    /// A one-time sign-in link token for a user the app has signed in (5 minutes, single use).
    /// Audited by `audit` (`sign_in_link.created`) in the same transaction.
    public func createSignInLink(userID: String, now: Date = Date(), audit: AuditedChange? = nil) async throws -> (token: String, expiresAt: Date) {
        let token = tokens.make(prefix: "isl_")
        let expiresAt = now.addingTimeInterval(Self.signInLinkLifetime)
        try await database.writer.write { db in
            guard try UserRecord.fetchOne(db, key: userID) != nil else { throw StoreError.notFound("user \(userID)") }
            try db.execute(sql: "INSERT INTO signInLink (hash, userId, expiresAt) VALUES (?, ?, ?)",
                           arguments: [tokens.hash(token), userID, expiresAt])
            try audit?.append(at: now, in: db)
        }
        return (token, expiresAt)
    }

    /// The user of an unused, unexpired link, which is used up by this call; the sign-in is
    /// audited in the same transaction, so a link is never spent without its row.
    public func consumeSignInLink(_ token: String, now: Date = Date(), source: AuditSource = .none) async throws -> String? {
        let hash = tokens.hash(token)
        return try await database.writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT userId, expiresAt, usedAt FROM signInLink WHERE hash = ?", arguments: [hash]),
                  (row["usedAt"] as Date?) == nil, (row["expiresAt"] as Date) > now
            else { return nil }
            try db.execute(sql: "UPDATE signInLink SET usedAt = ? WHERE hash = ?", arguments: [now, hash])
            let userID: String = row["userId"]
            try audit?.appendChange(.signIn, client: nil, user: userID, grant: nil, source, now, in: db, detail: ["method": "link"])
            return userID
        }
    }
}
