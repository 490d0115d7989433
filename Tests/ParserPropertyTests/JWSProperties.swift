import Foundation
import HTTPTypes
import JOSE
import OpenSSLCrypto
import PartnerAuth
import PropertyBased
import Testing

/// Random and mutated compact JWS strings are refused by the JOSE verifier, by the token service
/// and, as bearer tokens of `GET /v1/achievements`, with 401 `invalid_token`: never accepted,
/// never a crash, never a 5xx.
@Suite struct JWSProperties {
    static let kid = "property-key"
    static let key = try! ES256PrivateKey()
    static let payload = Data(#"{"sub":"s","exp":4102444800}"#.utf8)
    static let token = try! CompactJWS.sign(payload: payload, key: key, kid: kid, typ: "at+jwt")

    static func verify(_ token: String) throws(JWSError) -> Data {
        try CompactJWS.verify(token, typ: "at+jwt", key: { $0 == kid ? key.publicKey : nil }).payload
    }

    @Test func realTokenVerifies() throws {
        #expect(try Self.verify(Self.token) == Self.payload)
    }

    @Test func randomCompactStringsAreRefused() async {
        await propertyCheck(count: PropertyIterations.standard * 10, input: Self.randomTokens) { token in
            #expect(throws: JWSError.self) { try Self.verify(token) }
        }
    }

    @Test func mutatedTokensAreRefused() async {
        await propertyCheck(count: PropertyIterations.standard * 10, input: Self.mutatedTokens) { mutated in
            guard mutated != Self.token else { return }
            #expect(throws: JWSError.self) { try Self.verify(mutated) }
        }
    }

    /// Headers re-signed with the real key: only `alg: ES256`, `typ: at+jwt` (any case, with or
    /// without `application/`, RFC 7515 §4.1.9) and the known `kid` pass.
    @Test func resignedHeadersPassOnlyWhenAllowed() async {
        await propertyCheck(count: PropertyIterations.standard * 5, input: Self.resignedHeaders) { header in
            let token = Self.signed(header: header.text, payload: Self.payload)
            let typ = header.typ?.lowercased()
            let allowed = header.alg == "ES256" && (typ == "at+jwt" || typ == "application/at+jwt") && header.kid == Self.kid
            do {
                _ = try Self.verify(token)
                #expect(allowed, "accepted \(header)")
            } catch {
                #expect(!allowed, "refused \(header) with \(error)")
            }
        }
    }

    @Test func bearerTokensAtTheFeed() async throws {
        try await ParserTestApp.run { app in
            let world = app.world
            let realTokens = [world.clientAccessToken, world.userAccessToken]
            let claims = ClaimsMutator(issuer: ParserTestApp.publicBaseURL, clientID: world.partner.clientId,
                                       signingKey: try world.services.keys.signingKey())
            let cases = Generator<BearerCase, Shrink.None<BearerCase>>.drawing { rng in
                switch rng.int(0...5) {
                case 0: return BearerCase(token: rng.pick(realTokens), kind: .real)
                case 1, 2: return BearerCase(token: TokenMutator.mutate(rng.pick(realTokens), &rng), kind: .damaged)
                case 3:
                    let resigned = claims.draw(&rng)
                    return BearerCase(token: resigned.token, kind: .resigned(acceptable: resigned.acceptable))
                default: return BearerCase(token: Self.randomToken(&rng), kind: .random)
                }
            }
            var accepted = 0
            await propertyCheck(count: PropertyIterations.standard, input: cases) { bearer in
                let response = try await app.send(.get, "/v1/achievements", headers: [.authorization: "Bearer \(bearer.token)"])
                switch bearer.kind {
                case .real:
                    accepted += 1
                    #expect(response.status.code == 200, "a real token was refused: \(response.bodyText)")
                case .resigned(let acceptable):
                    // Right claims may still be refused by the database (unknown client or grant) or lack the scope.
                    #expect([200, 401, 403].contains(response.status.code), "status \(response.status.code)")
                    if response.status.code == 200 { #expect(acceptable, "wrong claims were accepted") }
                    ResponseChecks.expectAPIAnswer(response)
                case .damaged where realTokens.contains(bearer.token):
                    #expect(response.status.code == 200)
                case .random where bearer.token.isEmpty:
                    // "Bearer " with nothing after it is no credential: a challenge without an error code (RFC 6750 §3.1).
                    // RFC 9728 adds where the resource's metadata is.
                    let challenge = response.headers[.wwwAuthenticate] ?? ""
                    #expect(response.status.code == 401 && challenge.hasPrefix(#"Bearer realm="incentives""#) && !challenge.contains("error="))
                    #expect(challenge.hasSuffix(#"resource_metadata="\#(ParserTestApp.publicBaseURL)/.well-known/oauth-protected-resource/v1""#))
                case .damaged, .random:
                    ResponseChecks.expectInvalidToken(response)
                }
            }
            #expect(accepted > 0)
        }
    }

    /// Claims re-signed with the service's own key: refused unless issuer, audience, times and fields are right.
    @Test func resignedClaimsAtTheTokenService() async throws {
        try await ParserTestApp.run { app in
            let world = app.world
            let claims = ClaimsMutator(issuer: ParserTestApp.publicBaseURL, clientID: world.partner.clientId,
                                       signingKey: try world.services.keys.signingKey())
            let cases = Generator<ClaimsMutator.Case, Shrink.None<ClaimsMutator.Case>>.drawing { rng in claims.draw(&rng) }
            await propertyCheck(count: PropertyIterations.standard * 5, input: cases) { resigned in
                let decoded = try? world.services.tokens.decode(accessToken: resigned.token)
                #expect((decoded != nil) == resigned.acceptable)
            }
        }
    }

    // MARK: Generators

    static func signed(header: String, payload: Data) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(payload)
        return input + "." + Base64URL.encode(try! key.signature(for: Array(input.utf8)))
    }

    static let mutatedTokens = Generator<String, Shrink.None<String>>.drawing { rng in
        var token = token
        for _ in 0..<rng.int(1...2) { token = TokenMutator.mutate(token, &rng) }
        return token
    }

    static let randomTokens = Generator<String, Shrink.None<String>>.drawing { rng in randomToken(&rng) }

    static func randomToken<R: RandomNumberGenerator>(_ rng: inout R) -> String {
        switch rng.int(0...3) {
        case 0:
            return String((0..<rng.int(0...120)).map { _ in rng.pick(TokenMutator.alphabet + [".", ".", "=", "+", "/", " "]) })
        case 1:
            return String(repeating: "A", count: rng.pick([8_191, 8_193, 20_000])) + ".."
        default:
            let header = rng.chance(0.5) ? RandomHeader.draw(&rng).text : JSONMutator.randomValue(depth: 2, &rng).text
            let signature = (0..<rng.pick([0, 63, 64, 65, 72])).map { _ in rng.byte() }
            return Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(JSONMutator.randomValue(depth: 2, &rng).bytes)
                + "." + Base64URL.encode(signature)
        }
    }

    static let resignedHeaders = Generator<RandomHeader, Shrink.None<RandomHeader>>.drawing { rng in RandomHeader.draw(&rng) }
}

/// A bearer token sent to the feed, and what it is.
struct BearerCase: Sendable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case real
        case damaged
        case resigned(acceptable: Bool)
        case random
    }

    let token: String
    let kind: Kind
    var description: String { "\(kind) token \(token.prefix(300).debugDescription)" }
}

/// A JWS protected header with every field possibly odd or missing.
struct RandomHeader: Sendable, CustomStringConvertible {
    var alg: String?
    var typ: String?
    var kid: String?

    var text: String {
        var members: [JSONValue.Member] = []
        if let alg { members.append(.init(key: "alg", value: .string(alg))) }
        if let typ { members.append(.init(key: "typ", value: .string(typ))) }
        if let kid { members.append(.init(key: "kid", value: .string(kid))) }
        return JSONValue.object(members).text
    }

    var description: String { text }

    static func draw<R: RandomNumberGenerator>(_ rng: inout R) -> RandomHeader {
        RandomHeader(
            alg: rng.chance(0.9) ? rng.pick(["ES256", "ES256", "none", "None", "HS256", "ES384", "RS256", "PS256", "es256", "ES256 ", ""]) : nil,
            typ: rng.chance(0.9) ? rng.pick(["at+jwt", "AT+JWT", "at+JWT", "JWT", "jwt", "application/at+jwt", "at+jwt ", ""]) : nil,
            kid: rng.chance(0.9) ? rng.pick([JWSProperties.kid, JWSProperties.kid, "other", "", "../" + JWSProperties.kid]) : nil)
    }
}
