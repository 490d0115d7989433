import Foundation
import Hummingbird
import PartnerAuth

/// `client_secret_basic` or `client_secret_post` (exactly one of them) for the token, revocation
/// and introspection endpoints.
struct ClientAuthenticator {
    let partners: PartnerRegistry

    func authenticate(_ request: Request, form: FormBody) throws -> PartnerRecord {
        let basic = request.headers[.authorization].flatMap(Self.basicCredentials)
        let posted = form["client_secret"].map { (form["client_id"] ?? "", $0) }
        if request.headers[.authorization] != nil && basic == nil { throw OAuthError.invalidClient("malformed Basic credentials") }
        guard !(basic != nil && posted != nil) else { throw OAuthError.invalidRequest("use one client authentication method") }
        guard let (clientID, secret) = basic ?? posted else { throw OAuthError.invalidClient("client authentication is required") }
        if let formID = form["client_id"], formID != clientID { throw OAuthError.invalidRequest("client_id does not match the credentials") }
        guard let partner = try partners.authenticate(clientID: clientID, secret: secret) else { throw OAuthError.invalidClient() }
        return partner
    }

    /// RFC 6749 §2.3.1: base64 of form-urlencoded id and secret joined by a colon.
    static func basicCredentials(_ header: String) -> (String, String)? {
        guard header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
              let id = FormBody.decode(text[..<colon]), let secret = FormBody.decode(text[text.index(after: colon)...])
        else { return nil }
        return (id, secret)
    }
}
