import Foundation
import HummingbirdTesting
import Testing

/// What every answer to outside input must look like, whatever the input was.
enum ResponseChecks {
    /// RFC 6749 §5.2 error codes (and RFC 7009's `unsupported_token_type`).
    static let oauthErrorCodes: Set<String> = [
        "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type",
        "invalid_scope", "unsupported_token_type",
    ]

    /// A `/v1` answer: never a server error; every 4xx is problem+json naming its own status.
    static func expectAPIAnswer(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        let status = response.status.code
        #expect(status < 500, "server error \(status): \(response.bodyText)", sourceLocation: sourceLocation)
        guard status >= 400 else { return }
        #expect(response.headers[.contentType] == "application/problem+json", "\(status) without problem+json",
                sourceLocation: sourceLocation)
        let problem = response.jsonObject
        #expect(problem?["status"] as? Int == status, "problem body \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(problem?["title"] is String, "problem without title: \(response.bodyText)", sourceLocation: sourceLocation)
    }

    /// An answer of `/oauth/token`, `/oauth/revoke` or `/oauth/introspect`: never a server error,
    /// every error an RFC 6749 JSON body, 401 with a challenge.
    static func expectOAuthAnswer(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        let status = response.status.code
        #expect(status < 500, "server error \(status): \(response.bodyText)", sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        guard status >= 400 else { return }
        #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        let code = response.jsonObject?["error"] as? String
        #expect(code.map(oauthErrorCodes.contains) == true, "not an RFC 6749 error: \(response.bodyText)",
                sourceLocation: sourceLocation)
        if status == 401 {
            #expect(response.headers[.wwwAuthenticate] != nil, "401 without WWW-Authenticate", sourceLocation: sourceLocation)
        }
    }

    /// A 401 for a bearer token that does not count (RFC 6750 §3.1).
    static func expectInvalidToken(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status.code == 401, "expected 401, got \(response.status.code): \(response.bodyText)",
                sourceLocation: sourceLocation)
        #expect(response.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer error="invalid_token""#) == true,
                "challenge: \(response.headers[.wwwAuthenticate] ?? "none")", sourceLocation: sourceLocation)
        expectAPIAnswer(response, sourceLocation: sourceLocation)
    }
}
