import Hummingbird
import PartnerAuth

/// The signed-in user of a browser request, from the session cookie.
struct BrowserSession {
    let sessions: SessionStore

    func current(_ request: Request) async throws -> (token: String, session: Session)? {
        try await current(request.headers)
    }

    func current(_ headers: HTTPFields) async throws -> (token: String, session: Session)? {
        guard let token = Cookies.value(Cookies.session, in: headers),
              let session = try await sessions.session(token: token) else { return nil }
        return (token, session)
    }

    /// A relative path to return to after sign-in; anything else (absolute, `//host`, backslashes) is refused.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return nil }
        return next
    }

    static func redirect(to location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(.init(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }
}
