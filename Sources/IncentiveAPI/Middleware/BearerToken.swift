import HTTPTypes

/// The token of `Authorization: Bearer <token>` (the scheme in any case, RFC 9110 §11.1). Bytes,
/// not Foundation: trimming through `CharacterSet` cost more than the token check.
enum BearerToken {
    static func from(_ headers: HTTPFields) -> String? {
        guard let header = headers[.authorization] else { return nil }
        let scheme = "bearer ".utf8
        var token = Substring(header).utf8
        guard token.count > scheme.count,
              zip(token, scheme).allSatisfy({ $0 == $1 || ($1 != UInt8(ascii: " ") && $0 | 0x20 == $1) })
        else { return nil }
        token = token.dropFirst(scheme.count)
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while let first = token.first, isBlank(first) { token = token.dropFirst() }
        while let last = token.last, isBlank(last) { token = token.dropLast() }
        return String(Substring(token))
    }
}
