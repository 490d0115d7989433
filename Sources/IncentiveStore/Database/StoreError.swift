/// Failures of administrative writes, mapped to HTTP statuses at the edge.
public enum StoreError: Error, Equatable, Sendable {
    case notFound(String)
    /// The id is taken (409).
    case duplicate(String)
    /// A field refers to something that does not exist or cannot be accepted (422).
    case invalid(field: String, reason: String)
}
