import Foundation
import IncentiveAPIGenerated
import IncentiveStore
import OpenAPIRuntime

/// `GET /v1/audit-events`: the security team's view of the audit chain.
struct AuditAPIHandler: Sendable {
    let chain: AuditChain

    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let query = input.query
        let after = try ListCursor.decodeSequence(query.cursor) ?? 0
        let filter = AuditQuery(from: query.from, to: query.to, type: query._type, userID: query.userId,
                                clientID: query.clientId, grantID: query.grantId, outcome: query.outcome)
        let page = try await chain.search(filter, after: after, limit: try ListCursor.limit(query.limit))
        return .ok(.init(body: .json(.init(data: page.items.map(Self.event), nextCursor: page.nextAfter.map(ListCursor.encode)))))
    }

    static func event(_ row: AuditRecord) -> Components.Schemas.AuditEvent {
        .init(seq: String(row.seq ?? 0), at: row.at, _type: row.type, outcome: row.outcome, clientId: row.clientId,
              userId: row.userId, subject: row.subject, grantId: row.grantId, jti: row.jti, path: row.path,
              status: row.status, rows: row.rows, address: row.address, requestId: row.requestId,
              detail: row.detail.flatMap(Self.detail), mac: row.mac)
    }

    private static func detail(_ json: String) -> Components.Schemas.AuditEvent.DetailPayload? {
        guard let object = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else { return nil }
        return .init(additionalProperties: object)
    }
}
