import Foundation
import OpenSSLCrypto
@testable import IncentiveAPI
import IncentiveStore
import Testing

@Suite("JSONWriter (the partner feed's hand-written JSON)")
struct JSONWriterTests {
    /// Quotes, backslashes, every control character, slashes, non-ASCII and astral characters.
    static let awkward = ["", "plain", "quote \" and back\\slash", "a/b", "tab\tnew\nline\rret", "\u{0}\u{1}\u{1F}\u{7F}",
                          "é ü 漢字", "emoji 🎉 and 𝄞", "{\"sku\":\"PTO-1D\"}", String((0..<32).map { Character(UnicodeScalar($0)!) })]

    @Test("every string reads back as itself through JSONDecoder", arguments: awkward)
    func stringsRoundTrip(text: String) throws {
        var json = JSONWriter(reservingCapacity: 0)
        json.strings([text, text])
        #expect(try JSONDecoder().decode([String].self, from: Data(json.finish())) == [text, text])
    }

    @Test("nil is null; keys and punctuation are written as given")
    func structure() throws {
        var json = JSONWriter(reservingCapacity: 0)
        json.raw("{"); json.key("a"); json.string(nil); json.raw(","); json.key("b"); json.string("x"); json.raw("}")
        #expect(String(decoding: json.finish(), as: UTF8.self) == #"{"a":null,"b":"x"}"#)
    }

    @Test("random strings of random scalars read back as themselves")
    func randomStrings() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let scalars = (0..<Int.random(in: 0...20, using: &generator)).compactMap { _ -> Character? in
                let value = Bool.random(using: &generator) ? UInt32.random(in: 0...0x7F, using: &generator)
                                                          : UInt32.random(in: 0...0x10FFFF, using: &generator)
                return UnicodeScalar(value).map(Character.init)
            }
            let text = String(scalars)
            var json = JSONWriter(reservingCapacity: 0)
            json.string(text)
            #expect(try JSONDecoder().decode(String.self, from: Data(json.finish())) == text, "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test("the buffer grows past its reserve, many small writes and one large, and keeps every byte")
    func growth() throws {
        let long = String(repeating: "0123456789", count: 1_000)
        var json = JSONWriter(reservingCapacity: 0)
        var expected: [String] = []
        json.raw("[")
        for index in 0..<500 {
            if index > 0 { json.raw(",") }
            let text = index == 250 ? long : "item \(index) \"q\""
            json.string(text)
            expected.append(text)
        }
        json.raw("]")
        #expect(try JSONDecoder().decode([String].self, from: Data(json.finish())) == expected)
    }

    @Test("ids and base64url values are written in place as their base64url encoding")
    func identifiers() throws {
        let bytes: [UInt8] = Array(0..<18)
        var json = JSONWriter(reservingCapacity: 0)
        bytes.withUnsafeBytes { raw in
            json.raw("[")
            json.identifier(kind: "ach", mac: UnsafeRawBufferPointer(rebasing: raw[..<15]))
            json.raw(",")
            json.base64URL(raw)
            json.raw("]")
        }
        let decoded = try JSONDecoder().decode([String].self, from: Data(json.finish(allocator: .init()).readableBytesView))
        #expect(decoded == ["ach_" + Base64URL.encode(bytes.prefix(15)), Base64URL.encode(bytes)])
    }
}
