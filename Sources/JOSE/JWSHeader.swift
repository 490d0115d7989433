/// The protected header of a compact JWS as this service writes and accepts it.
public struct JWSHeader: Codable, Sendable, Equatable {
    public var alg: String
    public var kid: String?
    public var typ: String?

    public init(alg: String, kid: String?, typ: String?) {
        self.alg = alg
        self.kid = kid
        self.typ = typ
    }
}
