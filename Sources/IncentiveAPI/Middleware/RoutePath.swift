/// A request path as the router matches it: without the query and without empty segments
/// (`//v1/achievements/` is `/v1/achievements`), for audit rows and path rules.
enum RoutePath {
    static func normalized(_ path: Substring) -> String {
        let withoutQuery = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return "/" + withoutQuery.split(separator: "/").joined(separator: "/")
    }

    static func normalized(_ path: String?) -> String {
        normalized(Substring(path ?? ""))
    }
}
