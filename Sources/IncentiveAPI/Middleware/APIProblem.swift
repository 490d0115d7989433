import Foundation
import HTTPTypes
import IncentiveStore

/// An RFC 9457 problem: what every failed `/v1` request gets, as `application/problem+json`.
struct APIProblem: Error, Sendable, Equatable {
    struct FieldError: Codable, Sendable, Equatable {
        let field: String
        let reason: String
    }

    var status: HTTPResponse.Status
    var title: String
    var detail: String?
    var errors: [FieldError] = []
    /// The challenge of a 401 or 403 (RFC 6750 for bearer tokens); API keys get a plain Bearer realm.
    var wwwAuthenticate: String?
    /// Seconds for `Retry-After` (429).
    var retryAfter: Int?

    static func badRequest(_ detail: String, field: String? = nil) -> APIProblem {
        APIProblem(status: .badRequest, title: "Malformed request", detail: detail,
                   errors: field.map { [FieldError(field: $0, reason: detail)] } ?? [])
    }

    static func unprocessable(field: String, reason: String) -> APIProblem {
        APIProblem(status: .unprocessableContent, title: "Unacceptable value", detail: "\(field) \(reason)",
                   errors: [FieldError(field: field, reason: reason)])
    }

    static func notFound(_ detail: String) -> APIProblem {
        APIProblem(status: .notFound, title: "Not found", detail: detail)
    }

    static func conflict(_ detail: String) -> APIProblem {
        APIProblem(status: .conflict, title: "Conflict", detail: detail)
    }

    static let bearerRequired = APIProblem(status: .unauthorized, title: "Unauthorized", detail: "a bearer access token is required",
                                           wwwAuthenticate: #"Bearer realm="incentives""#)

    static func invalidToken(_ detail: String) -> APIProblem {
        APIProblem(status: .unauthorized, title: "Unauthorized", detail: detail,
                   wwwAuthenticate: #"Bearer error="invalid_token", error_description="\#(detail.replacingOccurrences(of: "\"", with: "'"))""#)
    }

    static func insufficientScope(_ scope: String) -> APIProblem {
        APIProblem(status: .forbidden, title: "Forbidden", detail: "This needs the scope \(scope).",
                   wwwAuthenticate: #"Bearer error="insufficient_scope", scope="\#(scope)""#)
    }

    static let unauthorized = APIProblem(
        status: .unauthorized, title: "Unauthorized", detail: "A valid API key is required (Authorization: Bearer ink_...)")

    static func tooManyRequests(retryAfter seconds: Int) -> APIProblem {
        APIProblem(status: .tooManyRequests, title: "Too many requests",
                   detail: "The partner's quota is used up; retry after \(seconds) s.", retryAfter: seconds)
    }

    static func forbidden(_ detail: String) -> APIProblem {
        APIProblem(status: .forbidden, title: "Forbidden", detail: detail)
    }

    /// The audit row of the request could not be written: it fails closed, changing and disclosing nothing.
    static let auditUnavailable = APIProblem(
        status: .serviceUnavailable, title: "Service unavailable",
        detail: "The request could not be recorded in the audit log, so nothing was changed or disclosed. Retry shortly.",
        retryAfter: 1)

    static let internalError = APIProblem(status: .internalServerError, title: "Internal error", detail: "The error was logged.")

    /// The JSON body.
    func body() -> Data {
        struct Body: Encodable {
            let type: String
            let title: String
            let status: Int
            let detail: String?
            let errors: [FieldError]?
        }
        let body = Body(type: "about:blank", title: title, status: status.code, detail: detail, errors: errors.isEmpty ? nil : errors)
        return (try? JSONEncoder.sortedKeys.encode(body)) ?? Data()
    }
}
