import IncentiveStore
import Synchronization
import PartnerAuth

/// Who is calling, set by the credential middlewares (`OperationAccessMiddleware`,
/// `PartnerBearerMiddleware`, `APIKeyMiddleware`) for handlers, which see no request context.
enum RequestIdentity {
    @TaskLocal static var apiKey: APIKey?
    @TaskLocal static var partner: BearerIdentity?
    @TaskLocal static var user: Session?
    /// Set by handlers that return rows, read by the audit of partner calls.
    @TaskLocal static var rowsReturned: RowCounter?
    /// Where the request came from, for the audit rows its handler writes.
    @TaskLocal static var auditSource: AuditSource = .none
    /// The `admin.change` row of an admin's change, for the repository to append inside the
    /// change's transaction (`AdminChangeAudit` checks afterwards that it did).
    @TaskLocal static var adminChange: AuditedChange?

    /// Throws 401 without a key and 403 when the key has none of `scopes`.
    static func require(anyOf scopes: APIScope...) throws {
        try require(anyOf: Set(scopes))
    }

    static func require(anyOf scopes: Set<APIScope>) throws {
        guard let key = apiKey else { throw APIProblem.unauthorized }
        guard !key.scopes.isDisjoint(with: scopes) else {
            throw APIProblem.forbidden("This needs the scope \(scopes.map(\.rawValue).sorted().joined(separator: " or ")).")
        }
    }

    static func requirePartner() throws -> BearerIdentity {
        guard let partner else { throw APIProblem.invalidToken("a bearer access token is required") }
        return partner
    }

    static func requireUser() throws -> Session {
        guard let user else { throw APIProblem(status: .unauthorized, title: "Unauthorized", detail: "Sign in first.") }
        return user
    }
}

/// How many rows a handler returned, handed back to the middleware that audits the call.
final class RowCounter: Sendable {
    private let value = Mutex<Int?>(nil)
    func set(_ count: Int) { value.withLock { $0 = count } }
    var count: Int? { value.withLock { $0 } }
}
