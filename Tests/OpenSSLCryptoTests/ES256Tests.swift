import OpenSSLCrypto
import Testing

@Suite("ES256 signatures on OpenSSL")
struct ES256Tests {
    // RFC 7515 Appendix A.3: the ES256 example key and JWS.
    static let x = [UInt8](base64URL: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")
    static let y = [UInt8](base64URL: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")
    static let signingInput = Array(("eyJhbGciOiJFUzI1NiJ9."
        + "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ").utf8)
    static let signature = [UInt8](base64URL:
        "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q")

    @Test("verifies the RFC 7515 A.3 example and refuses any change to it")
    func rfc7515Example() throws {
        let key = try ES256PublicKey(x: Self.x, y: Self.y)
        #expect(key.isValidSignature(Self.signature, for: Self.signingInput))
        var tamperedInput = Self.signingInput
        tamperedInput[tamperedInput.count - 1] ^= 1
        #expect(!key.isValidSignature(Self.signature, for: tamperedInput))
        var tamperedSignature = Self.signature
        tamperedSignature[10] ^= 0x80
        #expect(!key.isValidSignature(tamperedSignature, for: Self.signingInput))
        #expect(!key.isValidSignature(Array(Self.signature.prefix(63)), for: Self.signingInput))
        #expect(!key.isValidSignature([UInt8](repeating: 0, count: 64), for: Self.signingInput))
    }

    @Test("signs with a new key, publishes its coordinates, survives a PEM round trip")
    func signAndVerify() throws {
        let key = try ES256PrivateKey()
        let message = Array("header.payload".utf8)
        let signature = try key.signature(for: message)
        #expect(signature.count == 64)
        #expect(key.publicKey.isValidSignature(signature, for: message))

        let fromCoordinates = try ES256PublicKey(x: key.publicKey.x, y: key.publicKey.y)
        #expect(fromCoordinates.isValidSignature(signature, for: message))

        let reloaded = try ES256PrivateKey(pemRepresentation: try key.pemRepresentation())
        #expect(reloaded.publicKey.x == key.publicKey.x && reloaded.publicKey.y == key.publicKey.y)
        #expect(reloaded.publicKey.isValidSignature(try reloaded.signature(for: message), for: message))
        #expect(!(try ES256PrivateKey()).publicKey.isValidSignature(signature, for: message))
    }

    @Test("raw r||s and DER convert both ways, short scalars padded")
    func signatureFormats() throws {
        var raw = [UInt8](repeating: 0, count: 64)
        raw[31] = 7          // r = 7: DER drops the leading zeros
        raw[32] = 0x80       // s has its top bit set: DER adds a zero byte
        raw[63] = 1
        let der = try #require(ECDSASignature.der(fromRaw: raw))
        #expect(try ECDSASignature.raw(fromDER: der) == raw)
        #expect(ECDSASignature.der(fromRaw: [1, 2, 3]) == nil)
        #expect(throws: OpenSSLError.self) { try ECDSASignature.raw(fromDER: [0x30, 0x01]) }
    }

    @Test("refuses malformed keys")
    func malformedKeys() {
        #expect(throws: OpenSSLError.self) { try ES256PublicKey(x: [1], y: [2]) }
        #expect(throws: OpenSSLError.self) { try ES256PublicKey(x: Self.y, y: Self.y) }  // not on the curve
        #expect(throws: OpenSSLError.self) { try ES256PrivateKey(pemRepresentation: "not a key") }
    }
}
