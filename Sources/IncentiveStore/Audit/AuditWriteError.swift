/// An audit row could not be written. The audit log fails closed: the transaction it belonged to
/// rolls back (nothing changed), and a response that would disclose data is not sent; the API
/// answers 503.
public struct AuditWriteError: Error, CustomStringConvertible {
    public let underlying: any Error

    public init(underlying: any Error) {
        self.underlying = underlying
    }

    public var description: String { "the audit row could not be written: \(underlying)" }
}
