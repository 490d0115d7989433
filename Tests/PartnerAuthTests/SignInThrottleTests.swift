import Foundation
import IncentiveStore
import OpenSSLCrypto
import PartnerAuth
import Testing

/// The sign-in back-off per username and per address, on a real SQLite file, with the clock
/// passed in (`now:`) instead of waited for.
@Suite("Sign-in back-off")
struct SignInThrottleTests {
    static let address = "203.0.113.7"
    /// A whole second: the database keeps milliseconds, and a rounded-up `nextAllowedAt` would
    /// make an attempt at the very same instant look early.
    static var start: Date { Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }

    /// Users with cheap password hashes: the back-off, not PBKDF2, is under test.
    static func store(_ f: OAuthFixture, users: [String]) async throws -> SessionStore {
        let repository = UserRepository(database: f.database)
        for user in users {
            let hash = try PasswordHash.make("password of \(user)", iterations: 1_000)
            _ = try await repository.create(.init(id: user, employerID: "e1", timezone: "UTC", username: user, passwordHash: hash))
        }
        return SessionStore(database: f.database, hmacKey: SecureRandom.bytes(32), passwords: PasswordHasher(concurrency: 1))
    }

    /// A guesser who tries again as soon as the back-off allows, from one address: the waits it was told.
    static func steadyGuesses(_ store: SessionStore, username: String, waits count: Int, from start: Date) async throws -> (waits: [Int], end: Date) {
        var now = start, waits: [Int] = []
        while waits.count < count {
            switch try await store.signIn(username: username, password: "guess", address: address, now: now) {
            case .backOff(let seconds):
                waits.append(seconds)
                now = now.addingTimeInterval(Double(seconds))
            case .wrongCredentials: continue
            case let other: Issue.record("a guess got \(other)"); return (waits, now)
            }
        }
        return (waits, now)
    }

    @Test("signing in to one's own account between guesses does not clear the address's count")
    func sprayerStaysSlowed() async throws {
        let f = try await OAuthFixture()
        let victims = ["v1", "v2", "v3", "v4", "v5"]
        let store = try await Self.store(f, users: victims + ["sprayer"])
        let now = Self.start
        var outcomes: [SessionStore.SignInOutcome] = []
        for victim in victims {
            outcomes.append(try await store.signIn(username: victim, password: "guess", address: Self.address, now: now))
            _ = try await store.signIn(username: "sprayer", password: "password of sprayer", address: Self.address, now: now)
        }
        print("guesses between own sign-ins: \(outcomes)")
        // The own sign-ins count for nothing, neither for nor against: three free failures and a
        // fourth (its 2 s wait falls on the own sign-in after it), then the fifth guess waits.
        #expect(outcomes == [.wrongCredentials, .wrongCredentials, .wrongCredentials, .wrongCredentials, .backOff(seconds: 2)])
        // The username's own count is cleared by its success: from elsewhere it starts free.
        for _ in 0..<3 {
            #expect(try await store.signIn(username: "sprayer", password: "guess", address: "198.51.100.1", now: now) == .wrongCredentials)
        }
    }

    @Test("a steady guesser's waits grow to the cap; 15 idle minutes halve the count; hours clear it")
    func countsDecay() async throws {
        let f = try await OAuthFixture()
        let store = try await Self.store(f, users: ["victim"])
        let (waits, end) = try await Self.steadyGuesses(store, username: "victim", waits: 10, from: Self.start)
        print("waits of a steady guesser: \(waits)")
        #expect(waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300])
        // 13 failures; 16 minutes after the last back-off ended the count is 6, so one more failure waits 2^4 s.
        let later = end.addingTimeInterval(16 * 60)
        #expect(try await store.signIn(username: "victim", password: "guess", address: Self.address, now: later) == .wrongCredentials)
        #expect(try await store.signIn(username: "victim", password: "guess", address: Self.address, now: later) == .backOff(seconds: 16))
        // Three quiet hours later the count is gone: a guess is free again, and the right password signs in.
        let hoursLater = later.addingTimeInterval(16 + 3 * 3600)
        #expect(try await store.signIn(username: "victim", password: "guess", address: Self.address, now: hoursLater) == .wrongCredentials)
        #expect(try await store.signIn(username: "victim", password: "password of victim", address: Self.address, now: hoursLater)
                == .signedIn(userID: "victim"))
    }
}
