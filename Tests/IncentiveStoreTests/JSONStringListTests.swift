import Foundation
@testable import IncentiveStore
import Testing

@Suite("JSON string lists (event ids, redirect URIs, program ids)")
struct JSONStringListTests {
    static func byJSONDecoder(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    @Test("the plain-text reader agrees with JSONDecoder on written lists and on damaged text",
          arguments: [#"[]"#, #"[""]"#, #"["a"]"#, #"["a","b"]"#, #"["a",]"#, #"[,"a"]"#, #"["a""b"]"#, #"["a" ,"b"]"#,
                      #"[ "a"]"#, #"["a\"b"]"#, #"["a\\b"]"#, #"["\u0041"]"#, #"["a"#, #"[""#, "[", "]", "", "[1]", #"["a",1]"#,
                      #"{"a":"b"}"#, #"["é","漢字","🎉"]"#, #"["https:\/\/partner.example\/cb"]"#, "[\"tab\there\"]"])
    func agreesWithJSONDecoder(text: String) {
        #expect(JSONStringList.decode(text) == Self.byJSONDecoder(text))
    }

    @Test("lists of ordinary ids and URLs are written plain, without escapes")
    func plainLists() {
        #expect(JSONStringList.encode([]) == "[]")
        #expect(JSONStringList.encode(["evt-1", "https://partner.example/cb"]) == #"["evt-1","https://partner.example/cb"]"#)
        #expect(JSONStringList.encode(["a\"b\\c\n\u{1}"]) == #"["a\"b\\c\n\u0001"]"#)
    }

    @Test("random lists read back as themselves, and random damage reads as JSONDecoder reads it")
    func randomLists() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab\"\\/ ,[]é🎉\u{0}\u{1F}\n")
        for _ in 0..<3_000 {
            let strings = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            }
            let text = JSONStringList.encode(strings)
            #expect(JSONStringList.decode(text) == strings, "\(text)")
            #expect(Self.byJSONDecoder(text) == strings, "\(text)")
            var damaged = Array(text)
            if !damaged.isEmpty {
                damaged[Int.random(in: 0..<damaged.count, using: &generator)] = alphabet.randomElement(using: &generator)!
            }
            let other = String(damaged)
            #expect(JSONStringList.decode(other) == Self.byJSONDecoder(other), "\(other)")
        }
    }
}
