@testable import PartnerAuth
import Testing

@Suite("At most N password checks at once")
struct ConcurrencyLimiterTests {
    @Test("a slot beyond the limit is refused after the wait; a released slot goes to the waiter")
    func limitsAndHandsOver() async throws {
        let short = ConcurrencyLimiter(limit: 2, maximumWait: .milliseconds(50))
        #expect(await short.acquire())
        #expect(await short.acquire())
        #expect(await short.acquire() == false)  // both held: refused once the wait is over
        short.release()
        #expect(await short.acquire())

        // A generous wait: the waiter is admitted by the release, not by the clock.
        let long = ConcurrencyLimiter(limit: 1, maximumWait: .seconds(600))
        #expect(await long.acquire())
        let waiter = Task { await long.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        long.release()
        #expect(await waiter.value)
    }

    @Test("PBKDF2 on the hasher's own threads: right and wrong passwords")
    func hasher() async throws {
        let hasher = PasswordHasher(concurrency: 1, maximumWait: .seconds(600))
        let hash = try await hasher.make("correct horse", iterations: 1_000)
        #expect(try await hasher.verify("correct horse", against: hash))
        #expect(try await hasher.verify("wrong horse", against: hash) == false)
    }
}
