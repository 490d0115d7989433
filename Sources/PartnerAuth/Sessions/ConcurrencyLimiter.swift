import Synchronization

/// At most `limit` holders at once; the others wait in arrival order for up to `maximumWait`,
/// then are refused. Every `acquire` that returned true is paired with one `release`.
final class ConcurrencyLimiter: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var holders = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    let limit: Int
    let maximumWait: Duration
    private let state = Mutex(State())

    init(limit: Int, maximumWait: Duration) {
        precondition(limit >= 1)
        self.limit = limit
        self.maximumWait = maximumWait
    }

    /// True once a slot is held; false when none came free within `maximumWait`.
    func acquire() async -> Bool {
        await withCheckedContinuation { continuation in
            let queued: UInt64? = state.withLock { state in
                if state.holders < limit {
                    state.holders += 1
                    return nil
                }
                state.nextID += 1
                state.waiters.append(Waiter(id: state.nextID, continuation: continuation))
                return state.nextID
            }
            guard let queued else { return continuation.resume(returning: true) }
            Task { [maximumWait] in
                try? await Task.sleep(for: maximumWait)
                self.giveUp(queued)
            }
        }
    }

    /// Frees a slot, or hands it straight to the longest waiter.
    func release() {
        let next: Waiter? = state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.holders -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: true)
    }

    private func giveUp(_ id: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
        }
        waiter?.continuation.resume(returning: false)
    }
}
