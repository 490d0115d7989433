import Foundation
import Hummingbird
import IncentiveEngine
import IncentiveStore
import Logging
import OpenAPIRuntime

/// Turns every error of a request into one RFC 9457 problem+json response: our own problems,
/// domain errors, the generator's decoding errors (400, 422 for an unknown incentive kind) and
/// Hummingbird's HTTP errors. Anything unexpected is logged and answered with a bare 500.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, logger: context.logger)
        }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        let problem = problem(for: error)
        if problem.status == .internalServerError {
            let underlying = (error as? ServerError)?.underlyingError ?? error
            logger.error("Request failed", metadata: ["error": "\(String(reflecting: underlying))"])
        }
        return response(problem)
    }

    static func response(_ problem: APIProblem) -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let challenge = problem.wwwAuthenticate {
            headers[.wwwAuthenticate] = challenge
        } else if problem.status == .unauthorized {
            headers[.wwwAuthenticate] = #"Bearer realm="incentives""#
        }
        if let seconds = problem.retryAfter { headers[.retryAfter] = String(seconds) }
        return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: problem.body())))
    }

    static func problem(for error: any Error) -> APIProblem {
        switch error {
        case let problem as APIProblem:
            return problem
        case let serverError as ServerError:
            return problem(forServerError: serverError)
        case let error as IntakeError:
            return problem(for: error)
        case let error as StoreError:
            return problem(for: error)
        case let error as RuleParameterError:
            return .unprocessable(field: error.field, reason: error.reason)
        case let error as DecodingError:
            return problem(for: error)
        case let error as HTTPError:
            return APIProblem(status: error.status, title: error.status.reasonPhrase, detail: error.body)
        case is AuditWriteError:
            return .auditUnavailable
        default:
            return .internalError
        }
    }

    private static func problem(forServerError error: ServerError) -> APIProblem {
        let underlying = error.underlyingError
        // No operation of ours takes a body on these methods, so the value that failed was a parameter.
        if let decoding = underlying as? DecodingError, [.get, .head, .delete].contains(error.request.method) {
            return .badRequest("A query or path parameter is malformed: \(reason(of: decoding))")
        }
        if underlying is ServerError || underlying is APIProblem || underlying is IntakeError || underlying is AuditWriteError
            || underlying is StoreError || underlying is RuleParameterError || underlying is DecodingError {
            return problem(for: underlying)
        }
        // The runtime's own request errors: missing or malformed parameters, headers or bodies.
        let text = String(describing: underlying)
        if text.localizedCaseInsensitiveContains("content type") {
            return APIProblem(status: .unsupportedMediaType, title: "Unsupported media type", detail: "Send application/json.")
        }
        if underlying is HTTPError { return problem(for: underlying) }
        // The handler or a middleware (a credential lookup) failed for a reason of its own
        // (database, OpenSSL): a server error, which the runtime marks 500.
        if error.operationInput != nil || error.httpStatus == .internalServerError { return .internalError }
        return .badRequest("The request does not match the API: \(text)")
    }

    private static func problem(for error: IntakeError) -> APIProblem {
        switch error {
        case .conflictingEvent:
            .conflict("event_id is already used by a different event of this user")
        case .unknownTimeZone(let zone):
            .unprocessable(field: "timezone", reason: "is not an IANA time zone: \(zone)")
        case .eventInFuture:
            .unprocessable(field: "occurred_at", reason: "is more than 5 minutes in the future")
        }
    }

    private static func problem(for error: StoreError) -> APIProblem {
        switch error {
        case .notFound(let what): .notFound("No \(what)")
        case .duplicate(let what): .conflict("\(what) already exists")
        case .invalid(let field, let reason): .unprocessable(field: field, reason: reason)
        }
    }

    private static func problem(for error: DecodingError) -> APIProblem {
        let (path, reason) = pathAndReason(of: error)
        let field = path.map(\.stringValue).filter { !$0.hasPrefix("Index ") }.joined(separator: ".")
        if reason.contains("discriminator") || String(describing: error).contains("discriminator") {
            return .unprocessable(field: "incentive", reason: "is not in the catalogue (\(IncentiveCatalogue.kinds.map { $0.kind }.joined(separator: ", ")))")
        }
        return .badRequest(field.isEmpty ? "The body is not valid JSON for this operation: \(reason)" : "\(field) \(reason)",
                           field: field.isEmpty ? nil : field)
    }

    private static func reason(of error: DecodingError) -> String { pathAndReason(of: error).reason }

    private static func pathAndReason(of error: DecodingError) -> (path: [any CodingKey], reason: String) {
        switch error {
        case .keyNotFound(let key, let context): (context.codingPath + [key], "is required")
        case .typeMismatch(_, let context): (context.codingPath, "has the wrong type")
        case .valueNotFound(_, let context): (context.codingPath, "must not be null")
        case .dataCorrupted(let context): (context.codingPath, context.debugDescription)
        @unknown default: ([], "is malformed")
        }
    }
}
