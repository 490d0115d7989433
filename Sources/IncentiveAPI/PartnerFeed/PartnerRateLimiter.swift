import Foundation
import HTTPTypes
import Synchronization

/// Requests per partner in fixed windows (`RateLimit-Policy: "partner";q=600;w=60`), in memory.
final class PartnerRateLimiter: Sendable {
    let quota: Int
    let window: Int
    private let counters = Mutex<[String: (windowStart: Int, used: Int)]>([:])

    init(quota: Int = 600, window: Int = 60) {
        self.quota = quota
        self.window = window
    }

    struct Decision {
        let allowed: Bool
        let remaining: Int
        let resetSeconds: Int
    }

    func take(_ clientID: String, now: Date = Date()) -> Decision {
        let second = Int(now.timeIntervalSince1970)
        let windowStart = second - second % window
        return counters.withLock { counters in
            var entry = counters[clientID] ?? (windowStart, 0)
            if entry.windowStart != windowStart { entry = (windowStart, 0) }
            let allowed = entry.used < quota
            if allowed { entry.used += 1 }
            counters[clientID] = entry
            return Decision(allowed: allowed, remaining: quota - entry.used, resetSeconds: windowStart + window - second)
        }
    }

    var policy: String { #""partner";q=\#(quota);w=\#(window)"# }

    func header(_ decision: Decision) -> String { #""partner";r=\#(decision.remaining);t=\#(decision.resetSeconds)"# }
}

extension HTTPField.Name {
    /// draft-ietf-httpapi-ratelimit-headers-11.
    static let rateLimitPolicy = Self("RateLimit-Policy")!
    static let rateLimit = Self("RateLimit")!
}
