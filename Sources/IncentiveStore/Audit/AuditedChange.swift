public import Foundation
import GRDB
import Synchronization

/// The audit row of a change, handed to the repository that makes the change so that it appends
/// the row inside the change's own transaction: both commit or neither does (DESIGN §6). The
/// caller can see afterwards that the row went in (`wasAppended`), which lets the API check that
/// no change of an audited kind was made without one.
public struct AuditedChange: Sendable {
    public let chain: AuditChain
    public let fact: AuditFact
    private let appended = Marker()

    public init(chain: AuditChain, fact: AuditFact) {
        self.chain = chain
        self.fact = fact
    }

    /// True once a transaction holding the row was run (the caller learns whether it committed from its result).
    public var wasAppended: Bool { appended.isSet }

    public func append(at: Date, in db: Database) throws(AuditWriteError) {
        try chain.append(fact, at: at, in: db)
        appended.set()
    }

    private final class Marker: Sendable {
        private let flag = Atomic<Bool>(false)
        var isSet: Bool { flag.load(ordering: .acquiring) }
        func set() { flag.store(true, ordering: .releasing) }
    }
}
