/// One generated form request: body, content type and the credentials headers that go with it.
struct FormCase: Sendable, CustomStringConvertible {
    var bytes: [UInt8]
    var contentType: String?
    var authorization: String?
    var cookie: String?
    var origin: String

    var description: String {
        let text = String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription
        return "\(origin) form \(contentType ?? "(no content type)"), authorization \(authorization ?? "none"), "
            + "cookie \(cookie ?? "none"): \(text)\(bytes.count > 400 ? "… (\(bytes.count) bytes)" : "")"
    }
}
