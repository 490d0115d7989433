import Foundation

/// The opaque `next_cursor` of admin and app lists: the last key of the page, encoded.
/// (The partner feed signs its cursors; these lists hold nothing a caller could not ask for anyway.)
enum ListCursor {
    static func encode(_ after: String) -> String {
        Data(("v1:" + after).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String?) throws -> String? {
        guard let cursor else { return nil }
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard cursor.count <= 400, let data = Data(base64Encoded: text),
              let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix("v1:")
        else { throw APIProblem.badRequest("cursor is not a cursor this API issued", field: "cursor") }
        return String(decoded.dropFirst(3))
    }

    /// `limit` within 1...200, default 50.
    static func limit(_ value: Int?) throws -> Int {
        let limit = value ?? 50
        guard (1...200).contains(limit) else { throw APIProblem.badRequest("limit must be between 1 and 200", field: "limit") }
        return limit
    }
}
