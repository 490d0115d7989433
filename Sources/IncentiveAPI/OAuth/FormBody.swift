import Foundation
import Hummingbird
import PartnerAuth

/// `application/x-www-form-urlencoded` bodies and queries of the OAuth endpoints and pages: at
/// most 16 KiB, and no parameter given twice (RFC 6749 §3.1, §3.2). `parse` refuses a repeated
/// name; the authorization endpoint keeps them to choose between an error page and a redirect.
package struct FormBody {
    package let fields: [String: String]
    /// Names given more than once (`fields` holds the first value); always empty from `parse`.
    package let repeatedNames: Set<String>

    static let maximumBytes = 16 * 1024

    /// The body; a repeated name is `invalid_request`.
    static func parse(_ request: Request) async throws(OAuthError) -> FormBody {
        try refusingRepeats(try await parseKeepingRepeats(request))
    }

    /// The body, repeated names listed in `repeatedNames`.
    static func parseKeepingRepeats(_ request: Request) async throws(OAuthError) -> FormBody {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw .invalidRequest("send the parameters as application/x-www-form-urlencoded")
        }
        var request = request
        guard let body = try? await request.collectBody(upTo: maximumBytes) else { throw .invalidRequest("the body is too large") }
        return try parseKeepingRepeats(String(buffer: body))
    }

    package static func parse(_ text: String) throws(OAuthError) -> FormBody {
        try refusingRepeats(try parseKeepingRepeats(text))
    }

    /// Also a URI query (RFC 6749 §3.1 encodes it the same way), decoded names included: `client%5Fid`
    /// is `client_id`.
    package static func parseKeepingRepeats(_ text: String) throws(OAuthError) -> FormBody {
        var fields: [String: String] = [:]
        var repeated: Set<String> = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw .invalidRequest("the form is not validly encoded")
            }
            if fields[name] == nil { fields[name] = value } else { repeated.insert(name) }
        }
        return FormBody(fields: fields, repeatedNames: repeated)
    }

    private static func refusingRepeats(_ form: FormBody) throws(OAuthError) -> FormBody {
        if let name = form.repeatedNames.min() { throw .invalidRequest("\(name) is given more than once") }
        return form
    }

    subscript(_ name: String) -> String? { fields[name].flatMap { $0.isEmpty ? nil : $0 } }

    func require(_ name: String) throws(OAuthError) -> String {
        guard let value = self[name] else { throw .invalidRequest("\(name) is required") }
        return value
    }

    /// `+` is a space, `%XX` a byte; the bytes must be UTF-8. (Not `removingPercentEncoding`,
    /// which drops a leading U+FEFF from what it decodes.)
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var input = text.utf8.makeIterator()
        while let byte = input.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = input.next().flatMap(hexValue), let low = input.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
