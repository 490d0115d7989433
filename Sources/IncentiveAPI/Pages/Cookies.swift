import Hummingbird

/// The cookies of the browser pages: `__Host-` prefixed, `Secure; HttpOnly; SameSite=Lax`, path `/`.
enum Cookies {
    static let session = "__Host-incentives_session"
    /// Double-submit CSRF token for forms shown before a session exists (the sign-in form).
    static let preSessionCSRF = "__Host-incentives_csrf"

    static func value(_ name: String, in request: Request) -> String? {
        value(name, in: request.headers)
    }

    static func value(_ name: String, in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    static func set(_ name: String, _ value: String) -> String {
        "\(name)=\(value); Path=/; Secure; HttpOnly; SameSite=Lax"
    }

    static func clear(_ name: String) -> String {
        "\(name)=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"
    }
}
