/// OAuth scopes (RFC 6749 §3.3): parsed once from their space-separated form at the edge (a
/// request's `scope`, a stored column, a token's claim); everything inside compares members.
public struct ScopeSet: Hashable, Sendable, Sequence, ExpressibleByArrayLiteral, CustomStringConvertible {
    public private(set) var members: Set<String>

    public init(_ members: some Sequence<String>) {
        self.members = Set(members)
    }

    public init(arrayLiteral members: String...) {
        self.init(members)
    }

    /// From the space-separated form; empty tokens (repeated spaces) are dropped.
    public init(parsing text: String) {
        self.init(text.split(separator: " ").map(String.init))
    }

    /// What a request asked for (`scope`), which must be allowed; all of `allowed` when none is asked.
    public static func requested(_ text: String?, allowed: ScopeSet) throws(OAuthError) -> ScopeSet {
        guard let text, !text.isEmpty else { return allowed }
        let asked = ScopeSet(parsing: text)
        guard asked.isSubset(of: allowed) else { throw .invalidScope("scope must be among: \(allowed)") }
        return asked
    }

    /// The space-separated form, sorted: how scopes are stored and sent.
    public var description: String { members.sorted().joined(separator: " ") }


    public func contains(_ scope: String) -> Bool { members.contains(scope) }
    public func isSubset(of other: ScopeSet) -> Bool { members.isSubset(of: other.members) }
    public func makeIterator() -> Set<String>.Iterator { members.makeIterator() }
}

/// The scopes this service grants partners.
public enum OAuthScope: String, CaseIterable, Sendable {
    case achievementsRead = "achievements:read"
}
