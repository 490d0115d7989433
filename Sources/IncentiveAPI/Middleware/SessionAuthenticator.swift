import Foundation
import HTTPTypes
import PartnerAuth

/// The signed-in user of a cookie-authenticated `/v1` call (`/v1/me/...`): 401 without a session;
/// a state-changing call must carry this service's `Origin` (browsers always send it), else 403.
struct SessionAuthenticator: Sendable {
    let browser: BrowserSession
    let origin: PublicOrigin

    func user(_ request: HTTPRequest) async throws -> Session {
        guard let (_, session) = try await browser.current(request.headerFields) else {
            throw APIProblem(status: .unauthorized, title: "Unauthorized", detail: "Sign in first.")
        }
        if request.method != .get && request.method != .head {
            guard let sent = request.headerFields[.origin], Self.origin(of: sent) == Self.origin(of: origin.url) else {
                throw APIProblem.forbidden("Cookie-authenticated changes must carry this service's Origin header.")
            }
        }
        return session
    }

    /// `scheme://host[:port]`, lowercased, without a default port or a path.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased() else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        let port = components.port.flatMap { $0 == defaultPort ? nil : ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }
}
