import Foundation
import Hummingbird
import PartnerAuth

/// `application/x-www-form-urlencoded` bodies of the OAuth endpoints and pages: at most 16 KiB,
/// and no parameter given twice (RFC 6749 §3.1).
package struct FormBody {
    package let fields: [String: String]

    static let maximumBytes = 16 * 1024

    static func parse(_ request: Request) async throws(OAuthError) -> FormBody {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw .invalidRequest("send the parameters as application/x-www-form-urlencoded")
        }
        var request = request
        guard let body = try? await request.collectBody(upTo: maximumBytes) else { throw .invalidRequest("the body is too large") }
        return try parse(String(buffer: body))
    }

    package static func parse(_ text: String) throws(OAuthError) -> FormBody {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw .invalidRequest("the form is not validly encoded")
            }
            guard fields[name] == nil else { throw .invalidRequest("\(name) is given more than once") }
            fields[name] = value
        }
        return FormBody(fields: fields)
    }

    subscript(_ name: String) -> String? { fields[name].flatMap { $0.isEmpty ? nil : $0 } }

    func require(_ name: String) throws(OAuthError) -> String {
        guard let value = self[name] else { throw .invalidRequest("\(name) is required") }
        return value
    }

    static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
