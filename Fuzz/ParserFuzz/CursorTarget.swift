import IncentiveAPI

/// List cursors and the feed's signed cursors. A list cursor that decodes encodes back to
/// itself; a feed cursor is accepted only in the exact form the server issues.
enum CursorTarget {
    static let feedCursors = FeedCursor(key: Array(repeating: 7, count: 32))
    static let binding = FeedCursor.Binding(clientID: "cli_fuzz", grantID: "gr_1", since: nil)

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let after = try? ListCursor.decode(text), (try? ListCursor.decode(ListCursor.encode(after))) != after {
            fatalError("list cursor \(text) does not survive a round trip")
        }
        _ = try? ListCursor.decodeSequence(text)
        if let position = try? feedCursors.position(of: text, for: binding), feedCursors.issue(after: position, for: binding) != text {
            fatalError("feed cursor \(text) accepted though the server would write \(feedCursors.issue(after: position, for: binding))")
        }
    }
}
