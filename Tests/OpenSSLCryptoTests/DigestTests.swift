import OpenSSLCrypto
import Testing

@Suite("SHA-256, HMAC-SHA-256 and PBKDF2 against published vectors")
struct DigestTests {
    @Test("SHA-256 vectors of FIPS 180-4 examples", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(input: String, expected: String) {
        #expect(SHA256.hash(Array(input.utf8)).hex == expected)
    }

    @Test("HMAC-SHA-256 vectors of RFC 4231 (cases 1, 2 and 6)", arguments: [
        ([UInt8](repeating: 0x0b, count: 20), "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func hmac(key: [UInt8], message: String, expected: String) {
        let mac = HMACSHA256.authenticationCode(for: Array(message.utf8), key: key)
        #expect(mac.hex == expected)
        #expect(HMACSHA256.isValid(mac, for: Array(message.utf8), key: key))
        #expect(!HMACSHA256.isValid(mac, for: Array((message + ".").utf8), key: key))
        let prepared = HMACSHA256Key(key)  // the same MAC from a key prepared once, used again and again
        #expect(prepared.authenticationCode(for: Array(message.utf8)).hex == expected)
        #expect(prepared.authenticationCode(for: Array(message.utf8)).hex == expected)
        #expect(prepared.authenticationCode(for: Array((message + ".").utf8)) != mac)
    }

    @Test("a prepared key MACs messages of every length in a row, as the one-shot HMAC does, for keys of every length")
    func preparedKeyReuse() {
        var generator = SystemRandomNumberGenerator()
        for keyLength in [0, 1, 20, 32, 63, 64, 65, 131, 200] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let prepared = HMACSHA256Key(key)
            for length in Array(0...200) + [1_000, 70_000, 3] {
                let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let expected = HMACSHA256.authenticationCode(for: message, key: key)
                #expect(prepared.authenticationCode(for: message) == expected, "key \(keyLength), message \(length)")
                var into = [UInt8](repeating: 0xEE, count: 40)
                message.withUnsafeBytes { bytes in into.withUnsafeMutableBytes { prepared.authenticationCode(of: bytes, into: $0) } }
                #expect(Array(into.prefix(32)) == expected && into.suffix(8).allSatisfy { $0 == 0xEE })
            }
        }
        // RFC 4231 case 1 after all of those: the key's states are never changed by a message.
        let rfc = HMACSHA256Key([UInt8](repeating: 0x0b, count: 20))
        _ = rfc.authenticationCode(for: Array(repeating: 1, count: 500))
        #expect(rfc.authenticationCode(for: Array("Hi There".utf8)).hex == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test("PBKDF2-HMAC-SHA256 vectors of RFC 7914 §11 and the common 'password'/'salt' set", arguments: [
        ("passwd", "salt", 1, 64,
         "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"),
        ("Password", "NaCl", 80_000, 64,
         "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"),
        ("password", "salt", 4096, 32, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
    ])
    func pbkdf2(password: String, salt: String, iterations: Int, length: Int, expected: String) throws {
        let key = try PBKDF2.deriveKey(password: Array(password.utf8), salt: Array(salt.utf8),
                                       iterations: iterations, byteCount: length)
        #expect(key.hex == expected)
    }

    @Test("constant-time comparison")
    func constantTime() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
    }

    @Test("random bytes are of the asked length and differ between calls")
    func random() {
        let first = SecureRandom.bytes(32)
        let second = SecureRandom.bytes(32)
        #expect(first.count == 32)
        #expect(first != second)
        #expect(SecureRandom.bytes(0).isEmpty)
    }
}

@Suite("Hex")
struct HexTests {
    @Test("encodes lowercase and decodes either case; odd lengths and non-digits are refused")
    func roundTrip() {
        #expect(Hex.encode([0x00, 0x9f, 0xff]) == "009fff")
        #expect(Hex.decode("009FfF") == [0x00, 0x9f, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }
}
