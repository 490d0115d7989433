/// One page of a list, ordered by id, and the id to continue after.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextAfter: String?

    static func make(_ fetched: [Item], limit: Int, key: (Item) -> String) -> Page {
        guard fetched.count > limit else { return Page(items: fetched, nextAfter: nil) }
        let items = Array(fetched.prefix(limit))
        return Page(items: items, nextAfter: items.last.map(key))
    }
}
