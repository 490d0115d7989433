import Foundation
import HTTPTypes
import HummingbirdTesting
import PartnerAuth
@testable import IncentiveAPI
import PropertyBased
import Testing

/// Random and mutated `application/x-www-form-urlencoded` requests to the OAuth endpoints and
/// the browser forms: RFC 6749 JSON errors on `/oauth/*`, 4xx pages or safe redirects on the
/// forms, never a 5xx.
@Suite struct FormBodyProperties {
    static let oauthFields = ["grant_type", "client_id", "client_secret", "code", "redirect_uri", "code_verifier", "refresh_token",
                              "scope", "token", "token_type_hint"]
    static let authorizeFields = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                                  "code_challenge_method", "csrf_token", "decision", "prompt"]

    @Test func parserRefusesOnlyWithInvalidRequest() async {
        await propertyCheck(count: PropertyIterations.standard * 10, input: Self.rawForms) { text in
            let form: FormBody
            do throws(OAuthError) {
                form = try FormBody.parse(text)
            } catch {
                #expect(error.code == "invalid_request")
                return
            }
            // What the parser accepts means the same once re-encoded.
            let pairs = form.fields.map { ($0.key, $0.value) }
            let reparsed = try FormBody.parse(FormMutator.encode(pairs))
            #expect(reparsed.fields == form.fields)
        }
    }

    @Test func encodedFieldsRoundTrip() async {
        await propertyCheck(count: PropertyIterations.standard * 10, input: Self.distinctFields) { pairs in
            let parsed = try FormBody.parse(FormMutator.encode(pairs))
            #expect(parsed.fields == Dictionary(uniqueKeysWithValues: pairs))
        }
    }

    @Test func tokenEndpoint() async throws {
        try await ParserTestApp.run { app in
            let world = app.world
            let forms = FormGenerator(validFields: { rng in
                switch rng.int(0...3) {
                case 0: [("grant_type", "client_credentials"), ("client_id", world.partner.clientId), ("client_secret", world.clientSecret)]
                case 1: [("grant_type", "client_credentials"), ("client_id", world.partner.clientId), ("client_secret", world.clientSecret),
                         ("scope", "achievements:read")]
                case 2: [("grant_type", "authorization_code"), ("code", "ico_" + rng.word()), ("redirect_uri", TestWorld.redirectURI),
                         ("code_verifier", String(repeating: "v", count: 43)), ("client_id", world.partner.clientId),
                         ("client_secret", world.clientSecret)]
                default: [("grant_type", "refresh_token"), ("refresh_token", rng.chance(0.2) ? world.refreshToken : "irt_" + rng.word()),
                          ("client_id", world.partner.clientId), ("client_secret", world.clientSecret)]
                }
            }, fieldNames: Self.oauthFields, authorizations: [nil] + Self.basicHeaders(world))
            try await Self.checkOAuth(app, "/oauth/token", forms)
        }
    }

    @Test func revocationEndpoint() async throws {
        try await ParserTestApp.run { app in
            let world = app.world
            let forms = FormGenerator(validFields: { rng in
                [("token", rng.pick([world.clientAccessToken, "irt_" + rng.word(), rng.word()])),
                 ("token_type_hint", rng.pick(["access_token", "refresh_token", "other"]))]
            }, fieldNames: Self.oauthFields, authorizations: Self.basicHeaders(world))
            try await Self.checkOAuth(app, "/oauth/revoke", forms)
        }
    }

    @Test func introspectionEndpoint() async throws {
        try await ParserTestApp.run { app in
            let world = app.world
            let forms = FormGenerator(validFields: { rng in
                [("token", rng.pick([world.clientAccessToken, world.userAccessToken, world.refreshToken, rng.word()])),
                 ("client_id", world.partner.clientId), ("client_secret", world.clientSecret)]
            }, fieldNames: Self.oauthFields, authorizations: [nil] + Self.basicHeaders(world))
            try await Self.checkOAuth(app, "/oauth/introspect", forms)
        }
    }

    /// Wrong passwords are throttled per address: after a few failures most answers are 429,
    /// which is still the parser's answer to check.
    @Test func signInForm() async throws {
        try await ParserTestApp.run { app in
            let csrf = "csrf-" + String(repeating: "c", count: 20)
            let forms = FormGenerator(validFields: { rng in
                [("csrf_token", csrf), ("username", TestWorld.username),
                 ("password", rng.chance(0.5) ? TestWorld.password : rng.word()),
                 ("next", rng.pick(["/account/connections", "/oauth/authorize?client_id=x", "//evil.example", "https://evil.example",
                                   "/\\evil.example", "/ok\u{1}", ""]))]
            }, fieldNames: ["csrf_token", "username", "password", "next"],
                cookies: ["\(Cookies.preSessionCSRF)=\(csrf)", nil, "\(Cookies.preSessionCSRF)=other", "\(Cookies.preSessionCSRF)="])
            await propertyCheck(count: PropertyIterations.expensive, input: forms.generator) { form in
                let response = try await Self.send(app, .post, "/login", form)
                #expect([303, 400, 401, 403, 429].contains(response.status.code), "status \(response.status.code): \(response.bodyText)")
                if response.status.code == 303 { Self.expectSameSiteRedirect(response) }
            }
        }
    }

    @Test func authorizationDecisionForm() async throws {
        try await ParserTestApp.run { app in
            let world = app.world
            let forms = FormGenerator(validFields: { rng in
                [("response_type", "code"), ("client_id", world.partner.clientId), ("redirect_uri", TestWorld.redirectURI),
                 ("scope", "achievements:read"), ("state", rng.word()), ("code_challenge", PKCE.challenge(for: rng.word(43...60))),
                 ("code_challenge_method", "S256"), ("csrf_token", world.sessionCSRF),
                 ("decision", rng.pick(["approve", "deny"]))]
            }, fieldNames: Self.authorizeFields, cookies: [world.sessionCookie, nil, "\(Cookies.session)=isn_\(String(repeating: "x", count: 43))"])
            await propertyCheck(count: PropertyIterations.standard, input: forms.generator) { form in
                var responses = [try await Self.send(app, .post, "/oauth/authorize", form)]
                if form.bytes.count < 4_000 {
                    // The same fields as the query of the GET that starts the flow.
                    let query = String(decoding: form.bytes, as: UTF8.self)
                    responses.append(try await app.send(.get, "/oauth/authorize?" + query, headers: Self.headers(form)))
                }
                for response in responses {
                    #expect(response.status.code < 500, "status \(response.status.code): \(response.bodyText)")
                    if response.status.code == 303 { Self.expectAuthorizationRedirect(response) }
                }
            }
        }
    }

    // MARK: Helpers

    private static func checkOAuth(_ app: ParserTestApp, _ path: String, _ forms: FormGenerator) async throws {
        var statuses: [Int: Int] = [:]
        await propertyCheck(count: PropertyIterations.standard, input: forms.generator) { form in
            let response = try await send(app, .post, path, form)
            statuses[response.status.code, default: 0] += 1
            ResponseChecks.expectOAuthAnswer(response)
        }
        #expect(statuses.keys.contains(200), "no success among \(statuses)")
        #expect(statuses.keys.contains(400) && statuses.keys.contains(401), "not every refusal reached: \(statuses)")
    }

    private static func send(_ app: ParserTestApp, _ method: HTTPRequest.Method, _ path: String, _ form: FormCase) async throws -> TestResponse {
        try await app.send(method, path, headers: headers(form), body: form.bytes)
    }

    private static func headers(_ form: FormCase) -> HTTPFields {
        var headers: HTTPFields = [:]
        if let contentType = form.contentType { headers[.contentType] = contentType }
        if let authorization = form.authorization { headers[.authorization] = authorization }
        if let cookie = form.cookie { headers[.cookie] = cookie }
        headers[.origin] = ParserTestApp.publicBaseURL
        return headers
    }

    /// `client_secret_basic` headers: the valid one first, then every way to get them wrong.
    private static func basicHeaders(_ world: TestWorld) -> [String?] {
        func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        let id = world.partner.clientId
        return [basic("\(id):\(world.clientSecret)"), basic("\(id):wrong"), basic("\(id)"), basic(":"), basic("%zz:%zz"),
                "Basic " + Data([0xFF, 0x3A, 0xFE]).base64EncodedString(), "Basic !!!", "Basic ", "Basic", "Bearer \(world.clientAccessToken)",
                "basic " + Data("\(id):\(world.clientSecret)".utf8).base64EncodedString(), "Digest x", basic("\(id):\(world.clientSecret):extra")]
    }

    private static func expectSameSiteRedirect(_ response: TestResponse) {
        let location = response.headers[.location] ?? ""
        #expect(location.hasPrefix("/") && !location.hasPrefix("//") && !location.contains("\\"), "redirect off the site: \(location)")
    }

    /// A redirect from the authorization endpoint goes to the registered URI only, with `iss`.
    private static func expectAuthorizationRedirect(_ response: TestResponse) {
        let location = response.headers[.location] ?? ""
        if location.hasPrefix("/login") { return }
        #expect(location.hasPrefix(TestWorld.redirectURI + "?"), "redirect to \(location)")
        #expect(location.contains("iss="), "redirect without iss: \(location)")
    }

    // MARK: Generators of raw forms

    static let rawForms = Generator<String, Shrink.None<String>>.drawing { rng in
        let pieces = (0..<rng.int(0...8)).map { _ -> String in
            switch rng.int(0...4) {
            case 0: rng.pick(FormMutator.brokenEscapes)
            case 1: rng.pick(["&", "=", "+", "&&", "==", "%20"])
            case 2: rng.word(0...6)
            case 3: JSONMutator.interestingString(&rng)
            default: String(decoding: (0..<rng.int(1...4)).map { _ in rng.byte() }, as: UTF8.self)
            }
        }
        return pieces.joined()
    }

    static let distinctFields = Generator<[(String, String)], Shrink.None<[(String, String)]>>.drawing { rng in
        var seen: Set<String> = []
        return (0..<rng.int(0...6)).compactMap { _ -> (String, String)? in
            let name = rng.chance(0.5) ? rng.word(1...8) : JSONMutator.interestingString(&rng)
            guard !name.isEmpty, seen.insert(name).inserted else { return nil }
            return (name, JSONMutator.interestingString(&rng))
        }
    }
}
