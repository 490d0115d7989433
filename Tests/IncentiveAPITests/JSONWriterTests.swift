import Foundation
@testable import IncentiveAPI
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
        #expect(try JSONDecoder().decode([String].self, from: Data(json.bytes)) == [text, text])
    }

    @Test("nil is null; keys and punctuation are written as given")
    func structure() throws {
        var json = JSONWriter(reservingCapacity: 0)
        json.raw("{"); json.key("a"); json.string(nil); json.raw(","); json.key("b"); json.string("x"); json.raw("}")
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"a":null,"b":"x"}"#)
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
            #expect(try JSONDecoder().decode(String.self, from: Data(json.bytes)) == text, "\(text.unicodeScalars.map(\.value))")
        }
    }
}
