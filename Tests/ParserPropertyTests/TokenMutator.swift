import Foundation
import OpenSSLCrypto

/// Changes to a compact JWS: decoded bytes of one part flipped, characters replaced, inserted or
/// dropped, parts swapped, dropped or added.
enum TokenMutator {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    static func mutate<R: RandomNumberGenerator>(_ token: String, _ rng: inout R) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch rng.int(0...6) {
        case 0, 1:
            let index = rng.int(0...(parts.count - 1))
            var bytes = Base64URL.decode(parts[index]) ?? []
            guard !bytes.isEmpty else { return token + "A" }
            bytes[rng.int(0...(bytes.count - 1))] ^= 1 << UInt8(rng.int(0...7))
            parts[index] = Base64URL.encode(bytes)
        case 2:
            return replaceCharacter(token, &rng)
        case 3:
            var characters = Array(token)
            characters.insert(rng.chance(0.8) ? rng.pick(alphabet) : rng.pick(Array(".=+/ %\u{0}é")), at: rng.int(0...characters.count))
            return String(characters)
        case 4:
            var characters = Array(token)
            characters.remove(at: rng.int(0...(characters.count - 1)))
            return String(characters)
        case 5:
            parts.swapAt(rng.int(0...(parts.count - 1)), rng.int(0...(parts.count - 1)))
        default:
            if rng.chance(0.5) { parts.append(rng.word(0...8)) } else { parts.removeLast() }
        }
        return parts.joined(separator: ".")
    }

    /// One character for another of the alphabet: in the last character of a part, possibly one
    /// that differs only in bits that base64url decoding drops.
    private static func replaceCharacter<R: RandomNumberGenerator>(_ token: String, _ rng: inout R) -> String {
        var characters = Array(token)
        let candidates = characters.indices.filter { characters[$0] != "." }
        let dots = characters.indices.filter { characters[$0] == "." }
        // Half the time the last character of a part, where unused bits live.
        let lastOfParts = (dots.map { $0 - 1 } + [characters.count - 1]).filter { $0 >= 0 && characters[$0] != "." }
        let index = rng.chance(0.5) && !lastOfParts.isEmpty ? rng.pick(lastOfParts) : rng.pick(candidates)
        let original = characters[index]
        characters[index] = rng.pick(alphabet.filter { $0 != original })
        return String(characters)
    }
}
