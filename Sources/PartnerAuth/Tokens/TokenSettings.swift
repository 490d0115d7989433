public import Foundation
import Synchronization

/// The service's public base URL. It is known only once the server has bound its port when no
/// public base URL is configured, so it is set then and read at each use.
public final class PublicOrigin: Sendable {
    private let value: Mutex<String>

    public init(_ url: String) {
        value = Mutex(url)
    }

    public var url: String { value.withLock { $0 } }

    public func set(_ url: String) {
        value.withLock { $0 = url }
    }
}

/// Lifetimes and identifiers of the authorization server (DESIGN §5).
public struct TokenSettings: Sendable {
    public var origin: PublicOrigin
    public var accessTokenLifetime: TimeInterval = 600
    public var codeLifetime: TimeInterval = 60
    public var refreshIdleLifetime: TimeInterval = 30 * 86_400
    public var refreshAbsoluteLifetime: TimeInterval = 365 * 86_400
    /// Reuse of a refresh token rotated this recently is a client's retry: `invalid_grant` only.
    public var refreshRetryWindow: TimeInterval = 5
    public var clockLeeway: TimeInterval = 30

    /// The longest `exp - iat` accepted: our lifetime plus the leeway. It is also how long after
    /// signing one of our tokens can be accepted, so a retired signing key verifies this long
    /// after it stopped signing, then no more.
    public var longestAcceptedLifetime: TimeInterval { accessTokenLifetime + clockLeeway }

    public init(origin: PublicOrigin) {
        self.origin = origin
    }

    public init(issuer: String) {
        self.init(origin: PublicOrigin(issuer))
    }

    /// `iss` of every token and the base of metadata: the public base URL, never the Host header.
    public var issuer: String {
        get { origin.url }
        set { origin = PublicOrigin(newValue) }
    }

    /// The resource identifier of RFC 9728 metadata, the `aud` of every access token.
    public var audience: String { issuer + "/v1" }
}
