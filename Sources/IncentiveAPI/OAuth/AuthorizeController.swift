import Foundation
import Hummingbird
import OpenSSLCrypto
import IncentiveStore
import PartnerAuth

/// `GET/POST /oauth/authorize`: the code flow with PKCE `S256`, exact redirect URIs, `state` and
/// `iss` in every redirect (RFC 9207), and the consent page. An unknown client or redirect URI
/// gets an error page, never a redirect.
struct AuthorizeController<Context: RequestContext> {
    let partners: PartnerRegistry
    let tokens: TokenService
    let browser: BrowserSession
    let audit: AuditTrail

    struct Parameters {
        let partner: PartnerRecord
        let redirectURI: String
        let scopes: ScopeSet
        let state: String?
        let codeChallenge: String
        let forceConsent: Bool

        var hiddenFields: [(String, String)] {
            [("response_type", "code"), ("client_id", partner.clientId), ("redirect_uri", redirectURI),
             ("scope", scopes.sorted().joined(separator: " ")), ("code_challenge", codeChallenge),
             ("code_challenge_method", "S256")] + (state.map { [("state", $0)] } ?? [])
        }
    }

    enum Refusal: Error {
        /// Shown to the user: the client or redirect URI cannot be trusted with a redirect.
        case page(String)
        /// Sent back to the client's redirect URI.
        case redirect(to: String, error: String, description: String, state: String?)
    }

    func addRoutes(to router: Router<Context>) {
        router.get("oauth/authorize") { request, _ in
            try await respond { try await start(request) }
        }
        router.post("oauth/authorize") { request, context in
            try await respond {
                try await decide(request, source: AuditSource(context))
            }
        }
    }

    private func respond(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let refusal as Refusal {
            switch refusal {
            case .page(let message):
                return HTMLPage.error("Authorization failed", message)
            case .redirect(let uri, let error, let description, let state):
                return redirect(uri, ["error": error, "error_description": description, "state": state])
            }
        }
    }

    private func start(_ request: Request) async throws -> Response {
        let query: FormBody
        do { query = try FormBody.parseKeepingRepeats(request.uri.query ?? "") } catch { throw Refusal.page("The request could not be read.") }
        let parameters = try await validate(query)
        guard let (_, session) = try await browser.current(request) else {
            return BrowserSession.redirect(to: "/login?next=" + (request.uri.description.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        if !parameters.forceConsent, let grant = try await tokens.activeGrant(userID: session.userID, clientID: parameters.partner.clientId),
           parameters.scopes.isSubset(of: ScopeSet(parsing: grant.scopes)) {
            return try await issueCode(grant: grant, parameters)
        }
        return try await consentPage(parameters, session: session)
    }

    private func decide(_ request: Request, source: AuditSource) async throws -> Response {
        let form: FormBody
        do { form = try await FormBody.parseKeepingRepeats(request) } catch { throw Refusal.page("The form could not be read.") }
        let parameters = try await validate(form)
        guard let (_, session) = try await browser.current(request) else { throw Refusal.page("Your session ended. Start again from the partner's site.") }
        guard let posted = form["csrf_token"], ConstantTime.equals(Array(posted.utf8), Array(session.csrfToken.utf8)) else {
            return HTMLPage.error("Authorization failed", "The form expired or did not come from this site.", status: .forbidden)
        }
        guard form["decision"] == "approve" else {
            try await audit.record(.consentDenied, .ok, client: parameters.partner.clientId, user: session.userID,
                                   address: source.address, requestID: source.requestID)
            throw Refusal.redirect(to: parameters.redirectURI, error: "access_denied", description: "the user denied access", state: parameters.state)
        }
        let grant = try await tokens.grant(userID: session.userID, partner: parameters.partner, scopes: parameters.scopes, source: source)
        return try await issueCode(grant: grant, parameters)
    }

    private func issueCode(grant: GrantRecord, _ parameters: Parameters) async throws -> Response {
        let code = try await tokens.issueCode(grant: grant, scopes: parameters.scopes, redirectURI: parameters.redirectURI,
                                              codeChallenge: parameters.codeChallenge)
        return redirect(parameters.redirectURI, ["code": code, "state": parameters.state])
    }

    /// The redirect back to the client, always with `iss` (RFC 9207).
    private func redirect(_ uri: String, _ items: [String: String?]) -> Response {
        // Only unreserved characters stay as they are: a `+` in `state` must come back as `%2B`.
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
        var pairs = items.sorted(by: { $0.key < $1.key }).compactMap { name, value in value.map { "\(encode(name))=\(encode($0))" } }
        pairs.append("iss=" + encode(tokens.settings.issuer))
        var components = URLComponents(string: uri)!
        components.percentEncodedQuery = ([components.percentEncodedQuery].compactMap { $0 } + pairs).joined(separator: "&")
        return Response(status: .seeOther, headers: [.location: components.string!, .cacheControl: "no-store"])
    }

    /// A repeated `client_id` or `redirect_uri` gets the error page (which one to trust?), any
    /// other repeated parameter `invalid_request` at the registered redirect URI.
    private func validate(_ form: FormBody) async throws -> Parameters {
        let fields = form.fields, repeated = form.repeatedNames
        guard !repeated.contains("client_id") else { throw Refusal.page("client_id is given more than once.") }
        guard let clientID = fields["client_id"], let partner = try partners.find(clientID), !partner.disabled else {
            throw Refusal.page("Unknown or disabled client.")
        }
        guard !repeated.contains("redirect_uri") else { throw Refusal.page("redirect_uri is given more than once.") }
        guard let redirectURI = fields["redirect_uri"], partner.redirectURIList.contains(redirectURI) else {
            throw Refusal.page("The redirect URI is not registered for \(partner.name).")
        }
        let state = repeated.contains("state") ? nil : fields["state"]
        func refuse(_ error: String, _ description: String) -> Refusal {
            .redirect(to: redirectURI, error: error, description: description, state: state)
        }
        if !repeated.isEmpty { throw refuse("invalid_request", "a parameter is given more than once") }
        guard fields["response_type"] == "code" else { throw refuse("unsupported_response_type", "only response_type=code is supported") }
        guard fields["code_challenge_method"] == "S256" else { throw refuse("invalid_request", "PKCE with code_challenge_method=S256 is required") }
        guard let challenge = fields["code_challenge"], PKCE.isWellFormedChallenge(challenge) else {
            throw refuse("invalid_request", "code_challenge is missing or malformed")
        }
        let scopes: ScopeSet
        do { scopes = try ScopeSet.requested(fields["scope"], allowed: partner.scopeSet) } catch {
            throw refuse("invalid_scope", error.publicDescription)
        }
        return Parameters(partner: partner, redirectURI: redirectURI, scopes: scopes, state: state,
                          codeChallenge: challenge, forceConsent: fields["prompt"] == "consent")
    }

    private func consentPage(_ parameters: Parameters, session: Session) async throws -> Response {
        let partner = parameters.partner
        let programs = try await partners.programNames(of: partner)
        let programList = programs.isEmpty ? "<li>(no programs yet)</li>"
            : programs.map { "<li>\(HTMLPage.escape($0))</li>" }.joined()
        let origin = URLComponents(string: parameters.redirectURI).flatMap { c in c.scheme.map { "\($0)://\(c.host ?? "")\(c.port.map { ":\($0)" } ?? "")" } }
        let body = """
            <p><strong id="partner">\(HTMLPage.escape(partner.name))</strong> asks to read your achievements
            (<code>\(HTMLPage.escape(parameters.scopes.sorted().joined(separator: " ")))</code>).</p>
            <p>It will see your <strong>past and future achievements</strong> in the programs it manages:</p>
            <ul>\(programList)</ul>
            <p>It will not see your logged health events. You can revoke this access at any time on
            <a href="/account/connections">your connections page</a>, with immediate effect.</p>
            <form method="post" action="/oauth/authorize">
            \(HTMLPage.hidden(parameters.hiddenFields + [("csrf_token", session.csrfToken)]))
            <button type="submit" name="decision" value="approve" id="approve">Allow</button>
            <button type="submit" name="decision" value="deny" id="deny">Deny</button>
            </form>
            """
        return HTMLPage(title: "Share your achievements?", body: body, formTargets: origin.map { [$0] } ?? []).response()
    }
}
