import Foundation
import HTTPTypes
@testable import IncentiveAPI
import OpenSSLCrypto
import PropertyBased
import Testing

/// List cursors and the partner feed's signed cursor: any string the server did not issue for
/// this query is a 400 problem, never a 5xx; what it issued reads back to the same position.
@Suite struct CursorProperties {
    static let feedKey = Array(repeating: UInt8(7), count: 32)
    static let binding = FeedCursor.Binding(clientID: "cli_a", grantID: "gr_a", since: nil)

    @Test func listCursorsRoundTrip() async {
        await propertyCheck(count: PropertyIterations.standard * 10, input: Self.anyText) { text in
            let decoded = try ListCursor.decode(ListCursor.encode(text))
            #expect(decoded == text)
        }
    }

    @Test func listCursorDecodingRefusesWith400() async {
        await propertyCheck(count: PropertyIterations.standard * 10, input: Self.cursorLike) { text in
            do {
                _ = try ListCursor.decodeSequence(text)
            } catch let problem as APIProblem {
                #expect(problem.status == .badRequest)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func feedCursorsReadBackOnlyAsIssued() async {
        let cursors = FeedCursor(key: Self.feedKey)
        let issued = Generator<(Int64, String), Shrink.None<(Int64, String)>>.drawing { rng in
            let sequence = Int64.random(in: 0...Int64.max, using: &rng)
            let cursor = cursors.issue(after: sequence, for: Self.binding)
            switch rng.int(0...9) {
            case 0, 1: return (sequence, cursor)
            // Other spellings of the same position.
            case 2: return (sequence, rng.pick(["0", "00", "+", " "]) + cursor)
            default: return (sequence, TokenMutator.mutate(cursor, &rng))
            }
        }
        await propertyCheck(count: PropertyIterations.standard * 10, input: issued) { sequence, cursor in
            let original = cursors.issue(after: sequence, for: Self.binding)
            do {
                let position = try cursors.position(of: cursor, for: Self.binding)
                #expect(cursor == original && position == sequence, "accepted \(cursor) for \(original)")
            } catch let problem as APIProblem {
                #expect(cursor != original)
                #expect(problem.status == .badRequest)
            } catch {
                Issue.record("unexpected error \(error)")
            }
            // Bound to its query: the same cursor for another client, grant or `since` is refused.
            for other in [FeedCursor.Binding(clientID: "cli_b", grantID: "gr_a", since: nil),
                          FeedCursor.Binding(clientID: "cli_a", grantID: nil, since: nil),
                          FeedCursor.Binding(clientID: "cli_a", grantID: "gr_a", since: "0")] {
                #expect(throws: APIProblem.self) { try cursors.position(of: original, for: other) }
            }
        }
    }

    @Test func listCursorsAndLimitsAtTheAPI() async throws {
        try await ParserTestApp.run { app in
            let paths = ["/v1/users", "/v1/employers", "/v1/employers/\(TestWorld.employerID)/programs",
                         "/v1/users/\(TestWorld.userID)/achievements", "/v1/audit-events"]
            let queries = Generator<String, Shrink.None<String>>.drawing { rng in
                rng.pick(paths) + "?" + Self.query(&rng, realCursor: ListCursor.encode(rng.chance(0.5) ? "2" : TestWorld.userID))
            }
            var statuses: [Int: Int] = [:]
            await propertyCheck(count: PropertyIterations.standard, input: queries) { uri in
                let response = try await app.sendAdmin(.get, uri)
                statuses[response.status.code, default: 0] += 1
                ResponseChecks.expectAPIAnswer(response)
            }
            #expect(statuses.keys.contains(200) && statuses.keys.contains(400), "statuses \(statuses)")
        }
    }

    @Test func feedCursorsAtTheAPI() async throws {
        try await ParserTestApp.run { app in
            let token = app.world.clientAccessToken
            let first = try await app.send(.get, "/v1/achievements?limit=1", headers: [.authorization: "Bearer \(token)"])
            let issued = try #require(first.jsonObject?["next_cursor"] as? String)
            let queries = Generator<String, Shrink.None<String>>.drawing { rng in
                let cursor = rng.chance(0.3) ? issued : TokenMutator.mutate(issued, &rng)
                return "/v1/achievements?" + Self.query(&rng, realCursor: cursor)
            }
            var statuses: [Int: Int] = [:]
            await propertyCheck(count: PropertyIterations.standard, input: queries) { uri in
                let response = try await app.send(.get, uri, headers: [.authorization: "Bearer \(token)"])
                statuses[response.status.code, default: 0] += 1
                ResponseChecks.expectAPIAnswer(response)
                let sentCursor = URLComponents(string: uri)?.queryItems?.first { $0.name == "cursor" }?.value
                if response.status.code == 200, let sentCursor {
                    #expect(sentCursor == issued, "a cursor the feed never issued was accepted: \(sentCursor)")
                }
            }
            #expect(statuses.keys.contains(200) && statuses.keys.contains(400), "statuses \(statuses)")
        }
    }

    // MARK: Generators

    /// `cursor`, `limit` and `since` parameters, each present or not, valid or odd, encoded or raw.
    static func query<R: RandomNumberGenerator>(_ rng: inout R, realCursor: String) -> String {
        var items: [String] = []
        if rng.chance(0.8) {
            let cursor = rng.chance(0.4) ? realCursor : rng.chance(0.5) ? JSONMutator.interestingString(&rng) : randomCursor(&rng)
            items.append("cursor=" + (rng.chance(0.8) ? FormMutator.escape(cursor) : cursor))
        }
        if rng.chance(0.5) {
            items.append("limit=" + FormMutator.escape(rng.pick(["1", "50", "200", "0", "201", "-1", "1.5", "abc", "", "9223372036854775808",
                                                                  "1e2", " 5", "0x10"])))
        }
        if rng.chance(0.2) {
            items.append("since=" + FormMutator.escape(rng.pick(["0", "1", "-1", "+5", "abc", "", "9223372036854775808"])))
        }
        if rng.chance(0.1) { items.append(items.first ?? "cursor=x") }
        return items.joined(separator: "&")
    }

    static func randomCursor<R: RandomNumberGenerator>(_ rng: inout R) -> String {
        switch rng.int(0...3) {
        case 0: Base64URL.encode(Array(("v1:" + rng.word(0...10)).utf8))
        case 1: Base64URL.encode((0..<rng.int(0...40)).map { _ in rng.byte() })
        case 2: "\(rng.int(-5...1_000_000)).\(rng.word(0...22))"
        default: String(repeating: "A", count: rng.pick([399, 400, 401, 5_000]))
        }
    }

    static let anyText = Generator<String, Shrink.None<String>>.drawing { rng in
        rng.chance(0.5) ? JSONMutator.interestingString(&rng) : String(decoding: (0..<rng.int(0...40)).map { _ in rng.byte() }, as: UTF8.self)
    }

    static let cursorLike = Generator<String, Shrink.None<String>>.drawing { rng in
        rng.chance(0.3) ? ListCursor.encode(JSONMutator.interestingString(&rng)) : randomCursor(&rng)
    }
}
