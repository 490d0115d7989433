import Foundation
import IncentiveStore
import Synchronization

/// Keeps a flood of refused credentials from growing the audit log without bound (issue 17).
/// Refusals are counted per source and minute, a source being an IPv4 address or an IPv6 /64
/// (one host holds a whole /64). The first `exactPerSource` refusals of a source's minute get
/// their own rows, as long as the minute has had fewer than `exactPerMinute` exact rows in all;
/// the rest only count, and once the minute is over one summary row per source and one for the
/// refusals past the global cap carry the counts. A minute thus costs at most about twice
/// `exactPerMinute` rows, whatever the flood.
final class RefusalAudit: Sendable {
    struct Minute: Hashable {
        let source: String
        let start: Int
    }

    /// The source of the refusals past the global cap.
    static let overflowSource = "*"

    let exactPerSource: Int
    let exactPerMinute: Int
    private let state = Mutex(State())

    private struct State {
        /// Sources that got at least one exact row this minute: exact rows given, refusals counted since.
        var perSource: [Minute: (exact: Int, counted: Int)] = [:]
        var exactInMinute: [Int: Int] = [:]
        /// Refusals of sources that got no exact row (the global cap was reached).
        var overflow: [Int: Int] = [:]
    }

    init(exactPerSource: Int = 20, exactPerMinute: Int = 1_000) {
        self.exactPerSource = exactPerSource
        self.exactPerMinute = exactPerMinute
    }

    /// Counts a refusal from `address`; true when it gets a row of its own.
    func admit(address: String?, at now: Date = Date()) -> Bool {
        let second = Int(now.timeIntervalSince1970)
        let start = second - second % 60
        let minute = Minute(source: Self.source(of: address), start: start)
        return state.withLock { state in
            let known = state.perSource[minute]
            if (known?.exact ?? 0) < exactPerSource, state.exactInMinute[start, default: 0] < exactPerMinute {
                state.perSource[minute] = ((known?.exact ?? 0) + 1, known?.counted ?? 0)
                state.exactInMinute[start, default: 0] += 1
                return true
            }
            if let known {
                state.perSource[minute] = (known.exact, known.counted + 1)
            } else {
                state.overflow[start, default: 0] += 1
            }
            return false
        }
    }

    /// A finished minute whose summary could not be written, to be written by the next flush.
    func putBack(_ minute: Minute, refusals: Int) {
        state.withLock { state in
            if minute.source == Self.overflowSource {
                state.overflow[minute.start, default: 0] += refusals
            } else {
                let known = state.perSource[minute] ?? (0, 0)
                state.perSource[minute] = (known.exact, known.counted + refusals)
            }
        }
    }

    /// The summaries of the minutes that ended before `now` (all of them when `now` is nil): per
    /// source, and `overflowSource` for refusals past the global cap.
    func takeFinished(before now: Date?) -> [(minute: Minute, refusals: Int)] {
        let cutoff = now.map { Int($0.timeIntervalSince1970) - 60 } ?? Int.max
        return state.withLock { state in
            var finished: [(minute: Minute, refusals: Int)] = []
            for (minute, entry) in state.perSource where minute.start <= cutoff {
                state.perSource[minute] = nil
                if entry.counted > 0 { finished.append((minute, entry.counted)) }
            }
            for (start, count) in state.overflow where start <= cutoff {
                state.overflow[start] = nil
                finished.append((Minute(source: Self.overflowSource, start: start), count))
            }
            for start in state.exactInMinute.keys where start <= cutoff { state.exactInMinute[start] = nil }
            return finished.sorted { ($0.minute.start, $0.minute.source) < ($1.minute.start, $1.minute.source) }
        }
    }

    /// An IPv4 address as it is; an IPv6 address as its /64 (`2001:db8:1:2::/64`).
    static func source(of address: String?) -> String {
        guard let address, address.contains(":") else { return address ?? "unknown" }
        if let mapped = address.split(separator: ":").last, mapped.contains(".") { return String(mapped) }
        return prefix64(address).map { $0 + "::/64" } ?? address
    }

    private static func prefix64(_ address: String) -> String? {
        let halves = address.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        }
        let groups: [String]
        if halves.count == 2 {
            let missing = 8 - halves[0].count - halves[1].count
            guard missing >= 0 else { return nil }
            groups = halves[0] + Array(repeating: "0", count: missing) + halves[1]
        } else {
            groups = halves[0]
        }
        guard groups.count == 8 else { return nil }
        return groups.prefix(4).map { String(Int($0, radix: 16) ?? 0, radix: 16) }.joined(separator: ":")
    }
}
