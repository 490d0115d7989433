import Foundation

/// `application/x-www-form-urlencoded` bodies around valid field lists: dropped, doubled, renamed
/// and odd fields, broken percent-encoding, raw bytes.
enum FormMutator {
    static let brokenEscapes = ["%", "%4", "%zz", "%C3%28", "%00", "%FF", "%ED%A0%80", "%%", "%2", "%u0041", "%0A", "%F0%9F"]
    static let contentTypes = [
        "application/x-www-form-urlencoded; charset=utf-8", "APPLICATION/X-WWW-FORM-URLENCODED", "application/json",
        "multipart/form-data; boundary=x", "text/plain", "", "application/x-www-form-urlencoded;", "application/x-www-form",
    ]

    /// Properly encoded, as a browser or an OAuth client library sends it.
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func mutate<R: RandomNumberGenerator>(_ fields: [(String, String)], names: [String], _ rng: inout R) -> String {
        var fields = fields
        for _ in 0..<rng.int(1...3) {
            fields = mutateFields(fields, names: names, &rng)
        }
        var text = encode(fields)
        if rng.chance(0.4) { text = damageEncoding(text, &rng) }
        return text
    }

    private static func mutateFields<R: RandomNumberGenerator>(_ fields: [(String, String)], names: [String], _ rng: inout R) -> [(String, String)] {
        var fields = fields
        let index = fields.isEmpty ? nil : rng.int(0...(fields.count - 1))
        switch rng.int(0...5) {
        case 0 where index != nil: fields.remove(at: index!)
        case 1 where index != nil: fields.append((fields[index!].0, rng.chance(0.5) ? fields[index!].1 : rng.word()))
        case 2: fields.insert((rng.chance(0.7) ? rng.pick(names) : rng.word(), value(&rng)), at: rng.int(0...fields.count))
        case 3 where index != nil: fields[index!].1 = value(&rng)
        case 4 where index != nil: fields[index!].0 = rng.chance(0.5) ? fields[index!].0.uppercased() : ""
        default: if let index { fields[index].1 = "" }
        }
        return fields
    }

    private static func value<R: RandomNumberGenerator>(_ rng: inout R) -> String {
        rng.chance(0.5) ? JSONMutator.interestingString(&rng) : rng.pick(["achievements:read", "audit:read", "code", "S256", "plain",
                                                                           "authorization_code", "refresh_token", "client_credentials",
                                                                           "approve", "deny", "consent", "/", "//evil.example", "/\\evil"])
    }

    /// Raw characters where escapes belong, broken escapes, stray separators.
    private static func damageEncoding<R: RandomNumberGenerator>(_ text: String, _ rng: inout R) -> String {
        var text = text
        let position = text.index(text.startIndex, offsetBy: rng.int(0...text.count))
        switch rng.int(0...3) {
        case 0: text.insert(contentsOf: rng.pick(brokenEscapes), at: position)
        case 1: text.insert(contentsOf: rng.pick(["&", "=", "&&", "==", "+", " ", ";", "é", "\u{0}", "#", "?"]), at: position)
        case 2: text = text.removingPercentEncoding ?? text
        default: text = text.replacingOccurrences(of: "%20", with: "+")
        }
        return text
    }
}
