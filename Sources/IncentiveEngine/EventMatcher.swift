/// Which events a rule counts: any of `types` (all types when nil) and, when set, exactly `value`.
public struct EventMatcher: Hashable, Sendable, Codable {
    public let types: [String]?
    public let value: String?

    public init(types: [String]?, value: String?) {
        self.types = types.map { Array(Set($0)).sorted() }
        self.value = value
    }

    public func matches(type: String, value eventValue: String?) -> Bool {
        if let types, !types.contains(type) { return false }
        if let value, eventValue != value { return false }
        return true
    }

    public func matches(_ event: Event) -> Bool { matches(type: event.type, value: event.value) }
}
