import Foundation
import GRDB
import IncentiveStore

extension AuditChain {
    /// Appends the audit row of a change inside the change's own transaction.
    func appendChange(_ type: AuditEventType, outcome: AuditOutcome = .ok, client: String?, user: String? = nil, grant: String?,
                      jti: String? = nil, _ source: AuditSource, _ now: Date, in db: Database, detail: [String: String] = [:]) throws {
        try append(AuditFact(type, outcome, clientID: client, userID: user, grantID: grant, jti: jti,
                             address: source.address, requestID: source.requestID, detail: AuditFact.detail(detail)),
                   at: now, in: db)
    }
}
