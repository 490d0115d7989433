import Foundation
import OpenSSLCrypto
import Testing

@Suite("base64url without padding (RFC 4648 §5)")
struct Base64URLTests {
    @Test("RFC 4648 §10 vectors, unpadded", arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test("every length from 0 to 300 bytes agrees with Foundation's base64 and round-trips")
    func agreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let reference = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == reference)
            #expect(Base64URL.decode(reference) == bytes)
        }
    }

    @Test("refuses padding, the standard alphabet's + and /, whitespace, impossible lengths and stray bits",
          arguments: ["Zg==", "a+b/", "Zm9v Yg", "Zm9vY", "Zh", "Zm9=", "é"])
    func strict(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
