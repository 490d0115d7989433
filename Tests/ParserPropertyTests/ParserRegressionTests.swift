import Foundation
import HTTPTypes
@testable import IncentiveAPI
import JOSE
import OpenSSLCrypto
import Testing

/// Bugs the properties found, each pinned by the smallest input that showed it.
@Suite struct ParserRegressionTests {
    /// Base64 decoders ignore the unused low bits of a last character: `...V` and `...U` of a
    /// 64-byte signature decoded to the same bytes, so one token had several spellings that verified.
    @Test func nonCanonicalBase64URLIsRefused() throws {
        #expect(Base64URL.decode("AA") == [0])
        #expect(Base64URL.decode("AB") == nil)
        let key = try ES256PrivateKey()
        let token = try CompactJWS.sign(payload: Data("{}".utf8), key: key, kid: "k", typ: "at+jwt")
        var respelled = Array(token)
        let last = respelled.removeLast()
        // The signature is 64 bytes: its last character carries 4 bits, the other 2 are unused.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let index = alphabet.firstIndex(of: last)!
        respelled.append(alphabet[index ^ 1])
        #expect(throws: JWSError.self) {
            try CompactJWS.verify(String(respelled), typ: "at+jwt", key: { _ in key.publicKey })
        }
    }

    /// Found by libFuzzer (`scripts/fuzz.sh --long cursor`): `042.<mac>` was accepted as the
    /// cursor `42.<mac>`, because the position was read with `Int64("042")`.
    @Test func feedCursorWithLeadingZerosIsRefused() throws {
        let cursors = FeedCursor(key: Array(repeating: 7, count: 32))
        let binding = FeedCursor.Binding(clientID: "cli", grantID: nil, since: nil)
        let issued = cursors.issue(after: 42, for: binding)
        #expect(try cursors.position(of: issued, for: binding) == 42)
        for respelled in ["0" + issued, "+" + issued, "00" + issued] {
            #expect(throws: APIProblem.self) { try cursors.position(of: respelled, for: binding) }
        }
    }

    /// `removingPercentEncoding` dropped a leading U+FEFF, so a form value starting with it changed.
    @Test func formValueKeepsALeadingByteOrderMark() throws {
        #expect(try FormBody.parse("a=%EF%BB%BFx").fields["a"] == "\u{FEFF}x")
        #expect(throws: (any Error).self) { try FormBody.parse("a=%C3%28") }
        #expect(throws: (any Error).self) { try FormBody.parse("a=%4") }
    }

    /// `9999-12-31T23:30:00-01:00` is year 10000 in UTC: the program row was written with a
    /// five-digit year that GRDB cannot read back, and every later read of the row was a 500.
    @Test func programDatesPastYear9999AreRefusedAndTheRowStaysReadable() async throws {
        try await ParserTestApp.run { app in
            let path = "/v1/employers/\(TestWorld.employerID)/programs/\(app.world.programID)"
            let late = JSONValue.object(["ends_at": .string("9999-12-31T23:30:00-01:00")])
            let refused = try await app.sendAdmin(.patch, path, body: BodyCase(bytes: late.bytes, contentType: "application/json", origin: "late"))
            #expect(refused.status == .badRequest)
            let earliest = JSONValue.object(["ends_at": .string("0001-01-01T00:30:00+00:00")])
            let accepted = try await app.sendAdmin(.patch, path, body: BodyCase(bytes: earliest.bytes, contentType: "application/json", origin: "early"))
            #expect(accepted.status == .ok)
            let list = try await app.sendAdmin(.get, "/v1/employers/\(TestWorld.employerID)/programs")
            #expect(list.status == .ok, "\(list.bodyText)")
        }
    }
}
