import Foundation
import HTTPTypes
import Hummingbird
import IncentiveStore
import OpenSSLCrypto
import PartnerAuth

/// `GET /v1/achievements`, the partner feed (DESIGN §5). Written by hand rather than generated
/// from openapi.yaml like the rest of `/v1`: encoding the generated types with Foundation's
/// `JSONEncoder` was a quarter of a 100-row page, so `PartnerFeedPage` writes the page from the
/// rows' SQLite buffers. The spec is still its contract (the contract test checks every answer
/// against it).
///
/// `PartnerBearerMiddleware` has already authenticated the partner (its bearer check found the client
/// enabled) and taken its quota (answering 429 itself); it adds the quota headers and the audit row
/// to whatever this answers.
struct PartnerFeedController<Context: RequestContext> {
    let tokens: TokenService
    let feed: PartnerFeed
    let cursors: FeedCursor
    let origin: PublicOrigin

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("v1/achievements") { request, _ in try page(request) }
    }

    func page(_ request: Request) throws -> Response {
        let identity = try RequestIdentity.requirePartner()
        let query = request.uri.queryParameters
        let limit = try ListCursor.limit(Self.limit(query["limit"]))
        let binding = FeedCursor.Binding(clientID: identity.clientID, grantID: identity.grantID, since: query["since"].map(String.init))
        let after = try position(cursor: query["cursor"].map(String.init), binding: binding)
        var page = PartnerFeedPage(limit: limit, ids: tokens.pairwiseIdentifiers(for: identity.clientID))
        try feed.page(clientID: identity.clientID, userID: identity.userID, after: after, limit: limit + 1) { try page.add($0) }
        RequestIdentity.rowsReturned?.set(page.rows)
        let nextCursor = page.hasMore ? cursors.issue(after: page.lastPosition, for: binding) : nil
        let body = page.finish(nextCursor: nextCursor, allocator: ByteBufferAllocator())
        // Over the whole body: the rows and whether more follow.
        let etag = "\"" + Base64URL.encode(body.withUnsafeReadableBytes { SHA256.hash($0) }.prefix(12)) + "\""
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .eTag: etag]
        if let nextCursor {
            // `since` was checked to be digits and the cursor is base64url and digits: nothing to escape.
            let since = binding.since.map { "&since=\($0)" } ?? ""
            headers[.link] = "<\(origin.url)/v1/achievements?limit=\(limit)\(since)&cursor=\(nextCursor)>; rel=\"next\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// `limit` as the spec has it: an integer (the range is checked by `ListCursor.limit`).
    static func limit(_ text: Substring?) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw APIProblem.badRequest("limit must be an integer between 1 and 200", field: "limit") }
        return value
    }

    /// The position to read after: 0 (the beginning), or one of the partner's own positions from a
    /// `sequence` (as `since`) or a cursor. A value between them is a global award sequence from
    /// API version 0.1, before positions were the partner's own: it cannot be mapped exactly, so the
    /// partner is told to read once from the beginning.
    private func position(cursor: String?, binding: FeedCursor.Binding) throws -> Int64 {
        let field = cursor == nil ? "since" : "cursor"
        let position: Int64
        if let cursor {
            position = try cursors.position(of: cursor, for: binding)
        } else if let since = binding.since {
            // Only as issued: Int64 also reads "+12" and "012", which the next page's link would not carry.
            guard let value = Int64(since), value >= 0, String(value) == since else {
                throw APIProblem.badRequest("since must be a sequence from this feed", field: "since")
            }
            position = value
        } else {
            return 0
        }
        guard position == 0 || position >= PartnerFeed.positionOrigin else {
            throw APIProblem.badRequest(
                "\(field) is a position of the feed's numbering before API version 0.2.0, which this feed no longer uses: read the feed once from the beginning (without since or cursor) and keep the new sequences",
                field: field)
        }
        return position
    }
}

extension HTTPField.Name {
    static let link = Self("Link")!
}
