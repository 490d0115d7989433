import Synchronization

/// Access tokens whose signature this process already verified, with their claims.
///
/// A partner presents the same token on every call for its 10-minute life, and the ES256
/// verification plus the claims' JSON decoding were the largest fixed cost of a bearer check.
/// Both are pure functions of the token's bytes and the key, so the answer cannot go stale while
/// the key is still in the ring; `TokenService` checks that on every hit, and checks expiry and
/// every revocation (grant, family, client, `jti`) on every call as before. Bounded: when full it
/// starts over, which costs one verification per live token.
final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        let kid: String
        let claims: AccessTokenClaims
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    func entry(for token: String) -> Entry? {
        entries.withLock { $0[token] }
    }

    func remember(_ token: String, kid: String, claims: AccessTokenClaims) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(kid: kid, claims: claims)
        }
    }
}
