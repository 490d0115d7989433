import OpenSSLCrypto
@testable import PartnerAuth
import Testing

/// Subjects and ids already handed to partners must never change: each is checked against the
/// one-shot HMAC of the message the design names, computed independently of the reused buffers.
@Suite("Pairwise identifiers")
struct PairwiseIdentifiersTests {
    static let key: [UInt8] = Array(repeating: 7, count: 32)

    static func expected(_ message: String, prefix: Int) -> [UInt8] {
        Array(HMACSHA256.authenticationCode(for: Array(message.utf8), key: key).prefix(prefix))
    }

    @Test("subjects and ids are the HMAC of the documented message, through cache hits, misses and long values")
    func knownMessages() throws {
        let ids = PairwiseIdentifiers(key: HMACSHA256Key(Self.key), clientID: "cl_partner")
        let long = String(repeating: "x", count: 700)
        for userID in ["u1", "u1", "u12", "u1", long, "", "é漢"] {
            let subject = Array(userID.utf8).withUnsafeBytes { Array(ids.subjectBytes(ofUTF8: $0)) }
            #expect(subject == Self.expected("\(userID)\ncl_partner", prefix: 18), "\(userID.prefix(10))")
            #expect(ids.subject(of: userID) == Base64URL.encode(Self.expected("\(userID)\ncl_partner", prefix: 18)))
            for value in ["e1", userID, long] {
                let mac = Array(value.utf8).withUnsafeBytes { Array(ids.identifierMAC(of: $0, kind: "evt")) }
                #expect(mac == Self.expected("evt\n\(value)\ncl_partner", prefix: 15))
            }
        }
        let achievement = Array("ach_1".utf8).withUnsafeBytes { Array(ids.identifierMAC(of: $0, kind: "ach")) }
        #expect(achievement == Self.expected("ach\nach_1\ncl_partner", prefix: 15))
    }

    @Test("another partner gets other subjects and ids for the same user and values")
    func partnersDiffer() throws {
        let key = HMACSHA256Key(Self.key)
        let a = PairwiseIdentifiers(key: key, clientID: "cl_a")
        let b = PairwiseIdentifiers(key: key, clientID: "cl_b")
        #expect(a.subject(of: "u1") != b.subject(of: "u1"))
        let idA = Array("e1".utf8).withUnsafeBytes { Array(a.identifierMAC(of: $0, kind: "evt")) }
        let idB = Array("e1".utf8).withUnsafeBytes { Array(b.identifierMAC(of: $0, kind: "evt")) }
        #expect(idA != idB)
    }
}
