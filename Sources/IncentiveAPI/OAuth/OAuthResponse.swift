import Foundation
import Hummingbird
import PartnerAuth

/// JSON answers of the OAuth endpoints: never cached (RFC 6749 §5.1), RFC 6749 error bodies.
enum OAuthResponse {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store", .pragma: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(data: body)))
    }

    static func error(_ error: OAuthError) -> Response {
        struct Body: Encodable {
            let error: String
            let error_description: String
        }
        var response = json(Body(error: error.code, error_description: error.publicDescription),
                            status: HTTPResponse.Status(code: error.status))
        if error.status == 401 { response.headers[.wwwAuthenticate] = #"Basic realm="incentives""# }
        return response
    }
}
