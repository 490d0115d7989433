import Foundation

/// Where RFC 9728 §3.1 puts the metadata of a resource: `/.well-known/oauth-protected-resource`
/// between the host and the resource identifier's path (`https://h/v1` has it at
/// `https://h/.well-known/oauth-protected-resource/v1`).
enum ProtectedResourceMetadata {
    static let wellKnownPath = "/.well-known/oauth-protected-resource"

    static func url(ofResource resource: String) -> String? {
        guard var components = URLComponents(string: resource), components.host != nil else { return nil }
        let path = components.path == "/" ? "" : components.path
        components.path = wellKnownPath + path
        components.query = nil
        components.fragment = nil
        return components.string
    }
}
