public import Foundation
import GRDB

/// The filters of `GET /v1/audit-events`; each set one narrows the result (AND).
public struct AuditQuery: Sendable, Equatable {
    public var from: Date?
    public var to: Date?
    public var type: String?
    public var userID: String?
    public var clientID: String?
    public var grantID: String?
    public var outcome: String?

    public init(from: Date? = nil, to: Date? = nil, type: String? = nil, userID: String? = nil, clientID: String? = nil,
                grantID: String? = nil, outcome: String? = nil) {
        self.from = from
        self.to = to
        self.type = type
        self.userID = userID
        self.clientID = clientID
        self.grantID = grantID
        self.outcome = outcome
    }

    func apply(to request: QueryInterfaceRequest<AuditRecord>) -> QueryInterfaceRequest<AuditRecord> {
        var request = request
        if let from { request = request.filter(Column("at") >= from) }
        if let to { request = request.filter(Column("at") < to) }
        let equalities: [(String, String?)] = [
            ("type", type), ("userId", userID), ("clientId", clientID), ("grantId", grantID), ("outcome", outcome),
        ]
        for case let (column, value?) in equalities {
            request = request.filter(Column(column) == value)
        }
        return request
    }
}

extension AuditChain {
    /// Rows matching `query` after `seq`, in chain order.
    public func search(_ query: AuditQuery, after seq: Int64 = 0, limit: Int) async throws -> Page<AuditRecord> {
        try await database.writer.read { db in
            let rows = try query.apply(to: AuditRecord.filter(Column("seq") > seq)).order(Column("seq")).limit(limit + 1).fetchAll(db)
            return Page.make(rows, limit: limit) { String($0.seq ?? 0) }
        }
    }
}
