import Foundation
import HTTPTypes
import PropertyBased
import Testing

/// `Authorization` headers of every shape at an admin endpoint: only the exact key passes;
/// anything else is 401 problem+json with a challenge, never a 5xx.
@Suite struct APIKeyProperties {
    @Test func apiKeysOfEveryShape() async throws {
        try await ParserTestApp.run { app in
            let realKey = app.world.adminKey
            let headers = Generator<String, Shrink.None<String>>.drawing { rng in Self.header(&rng, realKey: realKey) }
            var passed = 0
            await propertyCheck(count: PropertyIterations.standard, input: headers) { header in
                let response = try await app.send(.get, "/v1/employers", headers: [.authorization: header])
                // What the server sees: a field value is trimmed and its illegal characters replaced.
                let sent = HTTPField(name: .authorization, value: header).value
                if Self.presentsKey(sent, realKey) {
                    passed += 1
                    #expect(response.status.code == 200, "the real key was refused: \(response.bodyText)")
                } else {
                    #expect(response.status.code == 401, "status \(response.status.code) for \(sent.debugDescription)")
                    #expect(response.headers[.wwwAuthenticate] != nil)
                    ResponseChecks.expectAPIAnswer(response)
                }
            }
            #expect(passed > 0)
        }
    }

    @Test func aKeyWithoutTheScopeIsForbidden() async throws {
        try await ParserTestApp.run { app in
            let response = try await app.send(.get, "/v1/employers", headers: [.authorization: "Bearer \(app.world.eventsKey)"])
            #expect(response.status.code == 403)
            ResponseChecks.expectAPIAnswer(response)
        }
    }

    static func presentsKey(_ header: String, _ key: String) -> Bool {
        header.lowercased().hasPrefix("bearer ") && header.dropFirst(7).trimmingCharacters(in: CharacterSet(charactersIn: " \t")) == key
    }

    static func header<R: RandomNumberGenerator>(_ rng: inout R, realKey: String) -> String {
        let scheme = rng.chance(0.7) ? "Bearer " : rng.pick(["bearer ", "BEARER ", "Bearer  ", "Bearer\t", "Bearer", "Basic ", "Token ", "", " Bearer "])
        return scheme + key(&rng, realKey: realKey) + (rng.chance(0.1) ? rng.pick([" ", "\t", "\r\n", ",x", "\u{0}"]) : "")
    }

    /// `ink_<id>_<secret>` in every shape: real, damaged, truncated, extended, random, oversized.
    static func key<R: RandomNumberGenerator>(_ rng: inout R, realKey: String) -> String {
        switch rng.int(0...7) {
        case 0: return realKey
        case 1: return TokenMutator.mutate(realKey.replacingOccurrences(of: "_", with: "."), &rng).replacingOccurrences(of: ".", with: "_")
        case 2: return String(realKey.prefix(rng.int(0...realKey.count)))
        case 3: return realKey + rng.word(1...4)
        case 4: return realKey.uppercased()
        case 5: return "ink_" + rng.word(0...12) + "_" + rng.word(0...50)
        case 6: return "ink_" + String(repeating: "a", count: rng.pick([195, 196, 200, 5_000]))
        default: return JSONMutator.interestingString(&rng)
        }
    }
}
