import Foundation
import OpenSSLCrypto

/// The partner feed's `next_cursor`: the partner-local position of a page's last row and a MAC (under a key in the
/// data folder) binding it to the client and the query it came from. A cursor that was altered,
/// belongs to another client, or comes from another query (user-bound vs partner-wide, other `since`)
/// is refused with 400.
package struct FeedCursor: Sendable {
    /// What a cursor is bound to besides its position.
    package struct Binding: Equatable {
        package let clientID: String
        /// The grant of a user-bound token, or nil for the partner-wide feed.
        package let grantID: String?
        package let since: String?

        package init(clientID: String, grantID: String?, since: String?) {
            self.clientID = clientID
            self.grantID = grantID
            self.since = since
        }
    }

    let key: HMACSHA256Key

    package init(key: [UInt8]) {
        self.key = HMACSHA256Key(key)
    }

    package func issue(after position: Int64, for binding: Binding) -> String {
        "\(position).\(Base64URL.encode(mac(position, binding)))"
    }

    package func position(of cursor: String, for binding: Binding) throws -> Int64 {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        // Only as issued: Int64 also reads "+12" and "012", other spellings of an issued cursor.
        guard cursor.count <= 200, parts.count == 2, let sequence = Int64(parts[0]), sequence >= 0, String(sequence) == parts[0],
              let sent = Base64URL.decode(String(parts[1])),
              ConstantTime.equals(sent, mac(sequence, binding))
        else { throw APIProblem.badRequest("cursor is not one this feed issued to this client for this query", field: "cursor") }
        return sequence
    }

    private func mac(_ sequence: Int64, _ binding: Binding) -> [UInt8] {
        let message = ["feed-cursor-v1", binding.clientID, binding.grantID ?? "*", binding.since ?? "", String(sequence)]
            .joined(separator: "\n")
        return Array(key.authenticationCode(for: Array(message.utf8)).prefix(16))
    }
}
