import Foundation
import IncentiveStore
import Logging
import PartnerAuth

/// Records the facts the security team audits. Each `record` returns only once its row is durable
/// (group-committed with the rows of concurrent requests), so no response leaves before its audit
/// row (DESIGN §6).
struct AuditTrail: Sendable {
    let writer: AuditGroupCommit
    let logger: Logger

    func record(_ fact: AuditFact) async {
        do {
            let head = try await writer.append(fact)
            logger.debug("Audit row appended", metadata: ["audit.type": "\(fact.type)", "audit.head": "\(head)"])
        } catch {
            // Losing an audit row silently would defeat the log: make it loud.
            logger.critical("Audit append failed", metadata: ["audit.type": "\(fact.type)", "error": "\(error)"])
        }
    }

    func record(_ type: String, _ outcome: String, client: String? = nil, user: String? = nil, grant: String? = nil,
                jti: String? = nil, address: String? = nil, requestID: String? = nil, detail: [String: String] = [:]) async {
        await record(AuditFact(type: type, outcome: outcome, clientID: client, userID: user, grantID: grant, jti: jti,
                               address: address, requestID: requestID, detail: Self.json(detail)))
    }

    /// The `detail` column: a JSON object with sorted keys, or nothing.
    static func json(_ detail: [String: String]) -> String? {
        detail.isEmpty ? nil : String(decoding: (try? JSONEncoder.sortedKeys.encode(detail)) ?? Data(), as: UTF8.self)
    }
}
