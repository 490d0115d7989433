import Foundation
import OpenSSLCrypto

/// The opaque `next_cursor` of admin and app lists: the last key of the page, encoded.
/// (The partner feed signs its cursors; these lists hold nothing a caller could not ask for anyway.)
package enum ListCursor {
    package static func encode(_ after: String) -> String {
        Base64URL.encode(Array(("v1:" + after).utf8))
    }

    package static func decode(_ cursor: String?) throws -> String? {
        guard let cursor else { return nil }
        guard cursor.count <= 400, let bytes = Base64URL.decode(cursor),
              let decoded = String(validating: bytes, as: UTF8.self), decoded.hasPrefix("v1:")
        else { throw APIProblem.badRequest("cursor is not a cursor this API issued", field: "cursor") }
        return String(decoded.dropFirst(3))
    }

    /// A cursor over a sequence number (achievements, audit rows).
    package static func decodeSequence(_ cursor: String?) throws -> Int64? {
        try decode(cursor).map { text in
            guard let sequence = Int64(text) else { throw APIProblem.badRequest("cursor is malformed", field: "cursor") }
            return sequence
        }
    }

    /// `limit` within 1...200, default 50.
    static func limit(_ value: Int?) throws -> Int {
        let limit = value ?? 50
        guard (1...200).contains(limit) else { throw APIProblem.badRequest("limit must be between 1 and 200", field: "limit") }
        return limit
    }
}
