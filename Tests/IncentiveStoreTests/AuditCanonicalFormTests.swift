import Foundation
@testable import IncentiveStore
import Testing

/// The audit row's canonical form is written by hand since 2026-11-30; every MAC stored before
/// covers the text `JSONEncoder` wrote. The oracle here is that encoder, as it was used.
@Suite("The audit row's canonical form")
struct AuditCanonicalFormTests {
    @Test("random rows give exactly the text JSONEncoder gave, so old chains still verify")
    func matchesJSONEncoder() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let row = Self.randomRow(using: &generator)
            #expect(Array(AuditChain.canonicalForm(row).utf8) == Array(Self.encoderForm(row).utf8))
        }
    }

    @Test("JSONWriter escapes strings as JSONEncoder does (control characters, quotes, slashes, non-ASCII)")
    func stringsMatchJSONEncoder() throws {
        var generator = SystemRandomNumberGenerator()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for text in (0..<3_000).map({ _ in Self.randomText(using: &generator) }) + [String((0..<128).map { Character(UnicodeScalar(UInt8($0))) })] {
            var json = JSONWriter(reservingCapacity: 0)
            json.string(text)
            #expect(json.finish() == Array(try encoder.encode(text)), "\(text.unicodeScalars.map(\.value))")
        }
    }

    static func randomRow(using generator: inout SystemRandomNumberGenerator) -> AuditRecord {
        func text() -> String? { Bool.random(using: &generator) ? nil : randomText(using: &generator) }
        func number() -> Int? { Bool.random(using: &generator) ? nil : Int.random(in: -1_000...100_000, using: &generator) }
        let at = Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_000_000_000_000, using: &generator)) / 1000)
        return AuditRecord(
            seq: Bool.random(using: &generator) ? nil : Int64.random(in: 1...Int64.max, using: &generator), at: at,
            type: randomText(using: &generator), outcome: randomText(using: &generator), clientId: text(), userId: text(),
            subject: text(), grantId: text(), jti: text(), path: text(), status: number(), rows: number(), address: text(),
            requestId: text(), detail: Bool.random(using: &generator) ? #"{"reason":"a/b \"q\"","n":1}"# : text(), mac: "")
    }

    static func randomText(using generator: inout SystemRandomNumberGenerator) -> String {
        String((0..<Int.random(in: 0...24, using: &generator)).compactMap { _ -> Character? in
            let value = Bool.random(using: &generator) ? UInt32.random(in: 0...0x7F, using: &generator)
                                                      : UInt32.random(in: 0...0x10FFFF, using: &generator)
            return UnicodeScalar(value).map(Character.init)
        })
    }

    /// The canonical form as it was first written: `JSONEncoder`, sorted keys, no escaped slashes.
    static func encoderForm(_ row: AuditRecord) -> String {
        struct Canonical: Encodable {
            let row: AuditRecord
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                let milliseconds = Int64((row.at.timeIntervalSince1970 * 1000).rounded())
                try container.encode(row.seq, forKey: .init("seq"))
                try container.encode(String(milliseconds), forKey: .init("at"))
                try container.encode(row.type, forKey: .init("type"))
                try container.encode(row.outcome, forKey: .init("outcome"))
                for (name, value) in [("client_id", row.clientId), ("user_id", row.userId), ("subject", row.subject),
                                      ("grant_id", row.grantId), ("jti", row.jti), ("path", row.path), ("address", row.address),
                                      ("request_id", row.requestId), ("detail", row.detail)] {
                    try container.encode(value, forKey: .init(name))
                }
                try container.encode(row.status, forKey: .init("status"))
                try container.encode(row.rows, forKey: .init("rows"))
            }
        }
        struct Key: CodingKey {
            let stringValue: String
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(Canonical(row: row)), as: UTF8.self)
    }
}
