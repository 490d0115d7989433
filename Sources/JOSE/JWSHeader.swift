/// The protected header of a compact JWS as this service writes and accepts it.
public struct JWSHeader: Codable, Sendable, Equatable {
    public var alg: String
    public var kid: String?
    public var typ: String?
    /// RFC 7515 §4.1.11: extensions the recipient must understand. Read only to refuse it.
    public var crit: [String]?

    public init(alg: String, kid: String?, typ: String?, crit: [String]? = nil) {
        self.alg = alg
        self.kid = kid
        self.typ = typ
        self.crit = crit
    }
}
