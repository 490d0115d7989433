import Foundation
import IncentiveStore
import Logging
import ServiceLifecycle
import Synchronization

/// 429s are audited per client and minute (DESIGN §6): the first refusal of a minute gets its own
/// row before the response leaves; the rest of that minute only count, and one summary row with
/// the total is written once the minute is over (or at shutdown). A flooding partner thus costs
/// the audit log two rows a minute, not one per request.
final class RateLimitAudit: Sendable {
    struct Minute: Hashable {
        let clientID: String
        let start: Int
    }

    private let counts = Mutex<[Minute: Int]>([:])

    /// Counts a refusal; true when it is the first of its client's minute and needs its own row.
    func count(clientID: String, at now: Date = Date()) -> Bool {
        let second = Int(now.timeIntervalSince1970)
        let minute = Minute(clientID: clientID, start: second - second % 60)
        return counts.withLock { counts in
            counts[minute, default: 0] += 1
            return counts[minute] == 1
        }
    }

    /// A finished minute whose summary could not be written, to be written by the next flush.
    func putBack(_ minute: Minute, refusals: Int) {
        counts.withLock { $0[minute, default: 0] += refusals }
    }

    /// Removes and returns the minutes that ended before `now` (all of them when `now` is nil).
    func takeFinished(before now: Date?) -> [(Minute, Int)] {
        let cutoff = now.map { Int($0.timeIntervalSince1970) - 60 } ?? Int.max
        return counts.withLock { counts in
            let finished = counts.filter { $0.key.start <= cutoff }
            for minute in finished.keys { counts[minute] = nil }
            return finished.map { ($0.key, $0.value) }.sorted { ($0.0.start, $0.0.clientID) < ($1.0.start, $1.0.clientID) }
        }
    }
}

/// Writes the summary rows of `RateLimitAudit` and of refused credentials (`RefusalAudit`) every
/// few seconds, and the last ones at shutdown.
struct RateLimitAuditFlusher: Service {
    let refusals: RateLimitAudit
    let audit: AuditTrail
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await flush(before: Date())
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        await flush(before: nil)
    }

    func flush(before now: Date?) async {
        // A summary that cannot be written now goes back to its counter for the next flush.
        for (minute, count) in audit.refusals.takeFinished(before: now) {
            let start = Date(timeIntervalSince1970: Double(minute.start))
            do {
                try await audit.record(.credentialRefusedSummary, .denied, address: minute.source,
                                       detail: ["minute": start.formatted(.iso8601), "refusals": String(count)])
            } catch {
                audit.refusals.putBack(minute, refusals: count)
            }
        }
        for (minute, count) in refusals.takeFinished(before: now) where count > 1 {
            let start = Date(timeIntervalSince1970: Double(minute.start))
            do {
                try await audit.record(.rateLimitedSummary, .denied, client: minute.clientID,
                                       detail: ["minute": start.formatted(.iso8601), "refusals": String(count)])
            } catch {
                refusals.putBack(minute, refusals: count)
            }
        }
    }
}
