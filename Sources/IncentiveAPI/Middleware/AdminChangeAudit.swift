import HTTPTypes
import IncentiveStore
import Logging
import OpenAPIRuntime

/// An admin's change through the API: its `admin.change` row goes into the change's own
/// transaction (the handler hands `RequestIdentity.adminChange` to the repository that makes the
/// change); a refused change is recorded as denied before the answer leaves.
struct AdminChangeAudit: Sendable {
    let chain: AuditChain
    let audit: AuditTrail
    let logger = Logger(label: "incentives.audit")

    func run(key: APIKey, method: HTTPRequest.Method, path: String,
             _ change: () async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        let source = RequestIdentity.auditSource
        let detail = ["api_key": key.id, "method": method.rawValue, "path": path]
        let row = AuditedChange(chain: chain, fact: AuditFact(
            .adminChange, .ok, address: source.address, requestID: source.requestID, detail: AuditFact.detail(detail)))
        let response: (HTTPResponse, HTTPBody?)
        do {
            response = try await RequestIdentity.$adminChange.withValue(row) { try await change() }
        } catch where Self.isAuditFailure(error) {
            throw error
        } catch {
            try await recordRefused(detail, status: ProblemMiddleware<AppRequestContext>.problem(for: error).status.code, source)
            throw error
        }
        if response.0.status.code >= 400 {
            try await recordRefused(detail, status: response.0.status.code, source)
        } else if !row.wasAppended {
            // Every admin write passes the row to its repository; one that did not is a bug to fix, not a gap to leave.
            logger.error("Admin change without its audit row in the transaction", metadata: ["path": "\(path)"])
            try await audit.record(row.fact)
        }
        return response
    }

    /// The generated server wraps a handler's errors in `ServerError`.
    private static func isAuditFailure(_ error: any Error) -> Bool {
        error is AuditWriteError || (error as? ServerError)?.underlyingError is AuditWriteError
    }

    private func recordRefused(_ detail: [String: String], status: Int, _ source: AuditSource) async throws {
        try await audit.record(.adminChange, .denied, address: source.address, requestID: source.requestID,
                               detail: detail.merging(["status": String(status)]) { $1 })
    }
}
