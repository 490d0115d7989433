import Synchronization

/// Caps the number of open connections; a connection over the cap is closed at accept.
public final class ConnectionLimiter: Sendable {
    public let maximum: Int
    private let open = Atomic<Int>(0)

    public init(maximum: Int) {
        self.maximum = maximum
    }

    public var openConnections: Int { open.load(ordering: .relaxed) }

    /// Takes a place, or returns false when every place is taken.
    public func tryAcquire() -> Bool {
        let (admitted, _) = open.add(1, ordering: .relaxed)
        guard admitted <= maximum else {
            open.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    public func release() {
        open.subtract(1, ordering: .relaxed)
    }
}
