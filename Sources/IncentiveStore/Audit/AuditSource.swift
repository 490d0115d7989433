/// Where an audited request came from: what every audit row written for it carries.
public struct AuditSource: Sendable, Equatable {
    public var requestID: String?
    public var address: String?

    public init(requestID: String? = nil, address: String? = nil) {
        self.requestID = requestID
        self.address = address
    }

    /// A change made outside a request (tests, the command line).
    public static let none = AuditSource()
}
