import IncentiveStore

/// Who is calling, set by `APIKeyMiddleware` for the generated handlers, which see no request context.
enum RequestIdentity {
    @TaskLocal static var apiKey: APIKey?

    /// Throws 401 without a key and 403 when the key has none of `scopes`.
    static func require(anyOf scopes: APIScope...) throws {
        guard let key = apiKey else { throw APIProblem.unauthorized }
        guard !key.scopes.isDisjoint(with: scopes) else {
            throw APIProblem.forbidden("This needs the scope \(scopes.map(\.rawValue).joined(separator: " or ")).")
        }
    }
}
