import IncentiveAPI

/// `application/x-www-form-urlencoded` as the OAuth endpoints and pages read it. What parses
/// means the same once re-encoded.
enum FormTarget {
    static func run(_ bytes: [UInt8]) {
        // As `FormBody.parse(_ request:)` reads a body: invalid UTF-8 becomes U+FFFD.
        guard let form = try? FormBody.parse(String(decoding: bytes, as: UTF8.self)) else { return }
        let encoded = form.fields.map { escape($0.key) + "=" + escape($0.value) }.joined(separator: "&")
        guard let again = try? FormBody.parse(encoded), again.fields == form.fields else {
            fatalError("form fields \(form.fields) do not survive re-encoding as \(encoded)")
        }
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
                || byte == 0x2d || byte == 0x2e || byte == 0x5f || byte == 0x7e
            out += unreserved ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
