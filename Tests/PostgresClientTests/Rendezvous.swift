import Dispatch

/// Two pool threads meeting once: `arrive(as:)` returns when both sides arrived, so the work of
/// both before it is in flight at once. A side that waits more than a generous minute throws
/// instead of hanging the test run.
final class Rendezvous: Sendable {
    enum Side { case first, second }
    struct TimedOut: Error {}

    private let arrivals = (first: DispatchSemaphore(value: 0), second: DispatchSemaphore(value: 0))

    func arrive(as side: Side) throws {
        let (mine, theirs) = side == .first ? (arrivals.first, arrivals.second) : (arrivals.second, arrivals.first)
        mine.signal()
        guard theirs.wait(timeout: .now() + 60) == .success else { throw TimedOut() }
    }
}
