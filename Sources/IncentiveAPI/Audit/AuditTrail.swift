import Foundation
import IncentiveStore
import Logging
import PartnerAuth

/// Records the facts the security team audits that change nothing (refusals, partner calls,
/// sign-ins). Each `record` returns only once its row is durable (group-committed with the rows
/// of concurrent requests), so no response leaves before its audit row (DESIGN §6); it throws
/// `AuditWriteError` when the row cannot be written, and the request then answers 503 instead of
/// disclosing anything. Changes write their rows in their own transactions (`TokenService`,
/// `AuditedChange`).
struct AuditTrail: Sendable {
    let writer: AuditGroupCommit
    let logger: Logger
    let refusals: RefusalAudit

    /// A refused credential: a row of its own while its source's minute is under the caps, else
    /// only counted for the minute's summary row (`RefusalAudit`).
    func recordRefused(_ fact: AuditFact) async throws(AuditWriteError) {
        guard refusals.admit(address: fact.address) else { return }
        try await record(fact)
    }

    func record(_ fact: AuditFact) async throws(AuditWriteError) {
        do {
            let head = try await writer.append(fact)
            logger.debug("Audit row appended", metadata: ["audit.type": "\(fact.type)", "audit.head": "\(head)"])
        } catch {
            // Failing closed, and loudly: a silent gap would defeat the log.
            logger.critical("Audit append failed", metadata: ["audit.type": "\(fact.type)", "error": "\(error)"])
            throw error as? AuditWriteError ?? AuditWriteError(underlying: error)
        }
    }

    func record(_ type: AuditEventType, _ outcome: AuditOutcome, client: String? = nil, user: String? = nil, grant: String? = nil,
                jti: String? = nil, address: String? = nil, requestID: String? = nil, detail: [String: String] = [:]) async throws(AuditWriteError) {
        try await record(AuditFact(type, outcome, clientID: client, userID: user, grantID: grant, jti: jti,
                                   address: address, requestID: requestID, detail: AuditFact.detail(detail)))
    }
}
