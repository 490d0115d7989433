import Foundation
import JOSE
import OpenSSLCrypto

/// Access token claims, some right and some wrong, signed with the service's own key, so that
/// the checks after the signature see them. Each case knows whether its claims may pass.
struct ClaimsMutator: Sendable {
    struct Case: Sendable, CustomStringConvertible {
        let token: String
        let claims: String
        /// Issuer, audience, times and required fields are right (the database may still refuse it).
        let acceptable: Bool
        var description: String { "\(acceptable ? "acceptable" : "unacceptable") claims \(claims)" }
    }

    let issuer: String
    let clientID: String
    let signingKey: (kid: String, key: ES256PrivateKey)

    func draw<R: RandomNumberGenerator>(_ rng: inout R) -> Case {
        let now = Int(Date().timeIntervalSince1970)
        var acceptable = true
        var members: [JSONValue.Member] = []
        func add(_ key: String, _ options: [(JSONValue?, Bool)]) {
            let (value, ok) = rng.pick(options)
            acceptable = acceptable && ok
            if let value { members.append(.init(key: key, value: value)) }
        }
        add("iss", [(.string(issuer), true), (.string(issuer), true), (.string(issuer + "/"), false), (.string("https://evil.example"), false), (nil, false)])
        add("aud", [(.string(issuer + "/v1"), true), (.string(issuer + "/v1"), true), (.string(issuer), false), (.array([.string(issuer + "/v1")]), false), (nil, false)])
        // Times as numbers too, for the lifetime check: `exp - iat` may be at most the 600 s we issue
        // plus the 30 s leeway (issue 17), however well signed.
        let exp = rng.pick([(JSONValue?.some(.int(now + 300)), true, Double(now + 300)), (.int(now + 300), true, Double(now + 300)),
                            (.int(now - 10), true, Double(now - 10)), (.int(now - 100), false, nil),
                            (.number("9223372036854775807"), true, 9.223372036854775807e18), (.number("9223372036854775808"), false, nil),
                            (.string(String(now + 300)), false, nil), (.number("1.5"), false, nil), (.null, false, nil), (nil, false, nil)])
        let iat = rng.pick([(JSONValue?.some(.int(now)), true, Double(now)), (.int(now), true, Double(now)), (.int(now + 10), true, Double(now + 10)),
                            (.int(now + 100), false, nil), (.int(0), true, 0), (.number("-9223372036854775808"), true, -9.223372036854775808e18),
                            (.string(String(now)), false, nil), (nil, false, nil)])
        for (key, (value, ok, _)) in [("exp", exp), ("iat", iat)] {
            acceptable = acceptable && ok
            if let value { members.append(.init(key: key, value: value)) }
        }
        if let expiry = exp.2, let issued = iat.2 { acceptable = acceptable && expiry - issued <= 630 }
        add("sub", [(.string("subject"), true), (.string(""), true), (.int(1), false), (nil, false)])
        add("client_id", [(.string(clientID), true), (.string(clientID), true), (.string("cli_unknown"), true), (.null, false), (nil, false)])
        add("scope", [(.string("achievements:read"), true), (.string("achievements:read"), true), (.string("audit:read"), true),
                      (.string(""), true), (.array([]), false), (nil, false)])
        add("jti", [(.string("jti-" + rng.word()), true), (.string("jti-" + rng.word()), true), (.int(7), false), (nil, false)])
        add("grant_id", [(nil, true), (nil, true), (.null, true), (.string("gr_unknown"), true), (.int(1), false)])
        add("family_id", [(nil, true), (nil, true), (.null, true), (.string("fam_unknown"), true), (.bool(true), false)])
        members.shuffle(using: &rng)
        let claims = JSONValue.object(members).text
        return Case(token: try! CompactJWS.sign(payload: Data(claims.utf8), key: signingKey.key, kid: signingKey.kid, typ: "at+jwt"),
                    claims: claims, acceptable: acceptable)
    }
}
