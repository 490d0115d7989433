import NIOCore
import Foundation
import Hummingbird
import IncentiveStore
import OpenSSLCrypto
import PartnerAuth

/// `/login` (password, back-off, double-submit CSRF), `/login/link` (one-time links the app
/// mints) and `/logout`.
struct LoginController<Context: RemoteAddressRequestContext> {
    let sessions: SessionStore
    let browser: BrowserSession
    let audit: AuditTrail
    static var defaultNext: String { "/account/connections" }

    func addRoutes(to router: Router<Context>) {
        router.get("login") { request, _ in
            let next = BrowserSession.safeNext(request.uri.queryParameters["next"].map(String.init)) ?? Self.defaultNext
            return form(next: next, error: nil)
        }
        router.post("login") { request, context in
            try await signIn(request, address: context.remoteAddress?.ipAddress ?? "unknown", requestID: context.id)
        }
        router.get("login/link") { request, context in
            try await signInWithLink(request, address: context.remoteAddress?.ipAddress ?? "unknown", requestID: context.id)
        }
        router.post("logout") { request, _ in try await logout(request) }
    }

    private func form(next: String, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let csrf = Base64URL.encode(SecureRandom.bytes(24))
        let message = error.map { "<p class=\"error\" role=\"alert\">\(HTMLPage.escape($0))</p>" } ?? ""
        let body = """
            \(message)
            <form method="post" action="/login">
            \(HTMLPage.hidden([("csrf_token", csrf), ("next", next)]))
            <label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required>
            <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
            <button type="submit" id="sign-in">Sign in</button>
            </form>
            """
        return HTMLPage(title: "Sign in", body: body, status: status, restrictsFormTargets: false,
                        setCookies: [Cookies.set(Cookies.preSessionCSRF, csrf)]).response()
    }

    private func signIn(_ request: Request, address: String, requestID: String) async throws -> Response {
        let form: FormBody
        do { form = try await FormBody.parse(request) } catch { return HTMLPage.error("Sign in", "The form could not be read.") }
        let next = BrowserSession.safeNext(form["next"]) ?? Self.defaultNext
        guard let posted = form["csrf_token"], let cookie = Cookies.value(Cookies.preSessionCSRF, in: request),
              ConstantTime.equals(Array(posted.utf8), Array(cookie.utf8)) else {
            return self.form(next: next, error: "The form expired. Please try again.", status: .forbidden)
        }
        let username = form["username"] ?? ""
        switch try await sessions.signIn(username: username, password: form["password"] ?? "", address: address) {
        case .signedIn(let userID):
            try await audit.record(.signIn, .ok, user: userID, address: address, requestID: requestID, detail: ["method": "password"])
            return try await startSession(userID: userID, next: next)
        case .wrongCredentials:
            try await refused(.failed, address: address, requestID: requestID, detail: ["username": username])
            return self.form(next: next, error: "Wrong username or password.", status: .unauthorized)
        case .backOff(let seconds):
            try await refused(.throttled, address: address, requestID: requestID, detail: ["username": username])
            var response = self.form(next: next, error: "Too many attempts. Try again in \(seconds) seconds.", status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        case .busy(let seconds):
            try await refused(.throttled, address: address, requestID: requestID, detail: ["username": username, "reason": "busy"])
            var response = self.form(next: next, error: "Too many sign-ins right now. Try again in \(seconds) seconds.", status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    private func signInWithLink(_ request: Request, address: String, requestID: String) async throws -> Response {
        guard let token = request.uri.queryParameters["token"].map(String.init),
              let userID = try await sessions.consumeSignInLink(token, source: AuditSource(requestID: requestID, address: address)) else {
            try await refused(.failed, address: address, requestID: requestID, detail: ["method": "link"])
            return HTMLPage.error("Sign in", "This sign-in link is invalid, expired or already used.")
        }
        let next = BrowserSession.safeNext(request.uri.queryParameters["next"].map(String.init)) ?? Self.defaultNext
        return try await startSession(userID: userID, next: next)
    }

    /// A refused sign-in: audited like every refused credential, within the flood caps (`RefusalAudit`).
    private func refused(_ outcome: AuditOutcome, address: String, requestID: String, detail: [String: String]) async throws {
        try await audit.recordRefused(AuditFact(.signIn, outcome, address: address, requestID: requestID,
                                                detail: AuditFact.detail(detail)))
    }

    private func startSession(userID: String, next: String) async throws -> Response {
        let (token, _) = try await sessions.create(userID: userID)
        return BrowserSession.redirect(to: next, cookies: [Cookies.set(Cookies.session, token), Cookies.clear(Cookies.preSessionCSRF)])
    }

    private func logout(_ request: Request) async throws -> Response {
        if let (token, session) = try await browser.current(request) {
            let form = try? await FormBody.parse(request)
            guard let posted = form?["csrf_token"], ConstantTime.equals(Array(posted.utf8), Array(session.csrfToken.utf8)) else {
                return HTMLPage.error("Sign out", "The form expired. Please try again.", status: .forbidden)
            }
            try await sessions.destroy(token: token)
        }
        return BrowserSession.redirect(to: "/login", cookies: [Cookies.clear(Cookies.session)])
    }
}
