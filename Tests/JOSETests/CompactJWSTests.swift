import Foundation
import JOSE
import JWTKit
import OpenSSLCrypto
import Testing

@Suite("Compact JWS (ES256)")
struct CompactJWSTests {
    let key = try! OpenSSLCrypto.ES256PrivateKey()
    let payload = Data(#"{"sub":"s","exp":4102444800,"iss":"https://issuer.example"}"#.utf8)

    func lookup(_ kid: String) -> OpenSSLCrypto.ES256PublicKey? { kid == "k1" ? key.publicKey : nil }

    func signed() throws -> String { try CompactJWS.sign(payload: payload, key: key, kid: "k1", typ: "at+jwt") }

    @Test("signs and verifies, returning header and payload")
    func roundTrip() throws {
        let verified = try CompactJWS.verify(try signed(), typ: "at+jwt", key: lookup)
        #expect(verified.header == JWSHeader(alg: "ES256", kid: "k1", typ: "at+jwt"))
        #expect(verified.payload == payload)
    }

    @Test("typ is a media type: application/at+jwt and AT+JWT are at+jwt, application/jwt is not")
    func typIsAMediaType() throws {
        for typ in ["application/at+jwt", "AT+JWT", "Application/AT+JWT"] {
            let token = try CompactJWS.sign(payload: payload, key: key, kid: "k1", typ: typ)
            #expect(try CompactJWS.verify(token, typ: "at+jwt", key: lookup).payload == payload)
        }
        for typ in ["application/jwt", "jwt", "text/at+jwt"] {
            let token = try CompactJWS.sign(payload: payload, key: key, kid: "k1", typ: typ)
            #expect(throws: JWSError.wrongType) { try CompactJWS.verify(token, typ: "at+jwt", key: lookup) }
        }
    }

    @Test("jwt-kit, an independent implementation, verifies our token with our JWKS")
    func jwtKitVerifies() async throws {
        struct Claims: JWTPayload {
            let sub: SubjectClaim
            let exp: ExpirationClaim
            func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
        }
        let jwks = String(decoding: try JSONEncoder().encode(JWKSet(keys: [JOSE.JWK(publicKey: key.publicKey, kid: "k1")])), as: UTF8.self)
        let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
        let claims = try await keys.verify(try signed(), as: Claims.self)
        #expect(claims.sub.value == "s")
    }

    @Test("refuses alg none")
    func algNone() throws {
        let header = Base64URL.encode(Array(#"{"alg":"none","kid":"k1","typ":"at+jwt"}"#.utf8))
        let token = header + "." + Base64URL.encode(payload) + "."
        #expect(throws: JWSError.self) { try CompactJWS.verify(token, typ: "at+jwt", key: lookup) }
    }

    @Test("refuses HS256 keyed with the public key")
    func hmacWithPublicKey() throws {
        let header = Base64URL.encode(Array(#"{"alg":"HS256","kid":"k1","typ":"at+jwt"}"#.utf8))
        let input = header + "." + Base64URL.encode(payload)
        let publicKeyBytes = [0x04] + key.publicKey.x + key.publicKey.y
        let mac = HMACSHA256.authenticationCode(for: Array(input.utf8), key: publicKeyBytes)
        #expect(throws: JWSError.unsupportedAlgorithm("HS256")) {
            try CompactJWS.verify(input + "." + Base64URL.encode(mac), typ: "at+jwt", key: lookup)
        }
    }

    @Test("refuses a crit header (RFC 7515 §4.1.11): we understand no extension, so none may be required")
    func criticalHeader() throws {
        for crit in [#"["exp"]"#, #"["b64"]"#, "[]"] {
            let header = Base64URL.encode(Array(#"{"alg":"ES256","kid":"k1","typ":"at+jwt","crit":\#(crit)}"#.utf8))
            let input = header + "." + Base64URL.encode(payload)
            let token = input + "." + Base64URL.encode(try key.signature(for: Array(input.utf8)))
            #expect(throws: JWSError.self, "crit \(crit)") { try CompactJWS.verify(token, typ: "at+jwt", key: lookup) }
        }
    }

    @Test("refuses an unknown kid, with no fallback to another key")
    func unknownKid() throws {
        let token = try CompactJWS.sign(payload: payload, key: key, kid: "k2", typ: "at+jwt")
        #expect(throws: JWSError.unknownKey) { try CompactJWS.verify(token, typ: "at+jwt", key: lookup) }
    }

    @Test("refuses a tampered payload or signature")
    func tampered() throws {
        let parts = try signed().split(separator: ".").map(String.init)
        let otherPayload = Base64URL.encode(Array(#"{"sub":"admin","exp":4102444800}"#.utf8))
        #expect(throws: JWSError.badSignature) {
            try CompactJWS.verify([parts[0], otherPayload, parts[2]].joined(separator: "."), typ: "at+jwt", key: lookup)
        }
        var signature = Base64URL.decode(parts[2])!
        signature[5] ^= 1
        #expect(throws: JWSError.badSignature) {
            try CompactJWS.verify([parts[0], parts[1], Base64URL.encode(signature)].joined(separator: "."), typ: "at+jwt", key: lookup)
        }
    }

    @Test("refuses the wrong typ and malformed tokens", arguments: ["", "a.b", "a.b.c.d", "e30.e30.", "!!.e30.AA", "e30=.e30.AA"])
    func malformed(token: String) throws {
        #expect(throws: JWSError.self) { try CompactJWS.verify(token, typ: "at+jwt", key: lookup) }
        let refresh = try CompactJWS.sign(payload: payload, key: key, kid: "k1", typ: "JWT")
        #expect(throws: JWSError.wrongType) { try CompactJWS.verify(refresh, typ: "at+jwt", key: lookup) }
    }

    @Test("base64url is strict")
    func base64URL() {
        #expect(Base64URL.decode("AQID") == [1, 2, 3])
        #expect(Base64URL.decode("AQI") == [1, 2])
        #expect(Base64URL.decode("AQI=") == nil)
        #expect(Base64URL.decode("A+I") == nil)
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
    }
}
