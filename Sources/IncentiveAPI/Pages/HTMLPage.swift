import HTTPTypes
import Foundation
import Hummingbird

/// Server-rendered pages: escaped text, one small stylesheet, a strict CSP with `frame-ancestors 'none'`.
struct HTMLPage {
    var title: String
    var body: String
    var status: HTTPResponse.Status = .ok
    /// Origins a form on this page may lead to besides our own (the partner's redirect URI).
    var formTargets: [String] = []
    /// False where a form post may lead through redirects to any registered redirect URI (sign-in
    /// on the way to an authorization that needs no consent page): Chrome applies `form-action`
    /// to the whole redirect chain.
    var restrictsFormTargets = true
    var setCookies: [String] = []

    func response() -> Response {
        let formAction = restrictsFormTargets ? ["form-action 'self'" + formTargets.map { " " + $0 }.joined()] : []
        let csp = (["default-src 'none'", "style-src 'unsafe-inline'", "img-src 'self'"] + formAction
            + ["frame-ancestors 'none'", "base-uri 'none'"]).joined(separator: "; ")
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: csp, .xFrameOptions: "DENY", .referrerPolicy: "no-referrer",
        ]
        for cookie in setCookies { headers.append(.init(name: .setCookie, value: cookie)) }
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title)) · Incentives</title>
            <style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
            h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%;padding:.5rem}
            button{padding:.5rem 1rem;margin:.8rem .5rem 0 0}.error{color:#a40000}li{margin:.5rem 0}</style></head>
            <body><h1>\(Self.escape(title))</h1>
            \(body)
            </body></html>
            """
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static func hidden(_ fields: [(String, String)]) -> String {
        fields.map { #"<input type="hidden" name="\#(escape($0.0))" value="\#(escape($0.1))">"# }.joined(separator: "\n")
    }

    static func error(_ title: String, _ message: String, status: HTTPResponse.Status = .badRequest) -> Response {
        HTMLPage(title: title, body: "<p class=\"error\">\(escape(message))</p>", status: status).response()
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
