import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import IncentiveStore
import OpenSSLCrypto
import PartnerAuth

/// `GET /v1/achievements`, the partner feed (DESIGN §5). Written by hand rather than generated
/// from openapi.yaml like the rest of `/v1`: encoding the generated types with Foundation's
/// `JSONEncoder` was a quarter of a 100-row page, so the page is written with `JSONWriter`. The
/// spec is still its contract (the contract test checks every answer against it).
///
/// `CredentialMiddleware` has already authenticated the partner and taken its quota (answering 429
/// itself); it adds the quota headers and the audit row to whatever this answers.
struct PartnerFeedController<Context: RequestContext> {
    let partners: PartnerRegistry
    let tokens: TokenService
    let feed: PartnerFeed
    let cursors: FeedCursor
    let origin: PublicOrigin

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("v1/achievements") { request, _ in try page(request) }
    }

    func page(_ request: Request) throws -> Response {
        let identity = try RequestIdentity.requirePartner()
        guard let partner = try partners.find(identity.clientID) else { throw APIProblem.invalidToken("unknown client") }
        let query = request.uri.queryParameters
        let limit = try ListCursor.limit(Self.limit(query["limit"]))
        let binding = FeedCursor.Binding(clientID: identity.clientID, grantID: identity.grantID, since: query["since"].map(String.init))
        let after = try position(cursor: query["cursor"].map(String.init), binding: binding)
        let fetched = try feed.page(partner: partner, userID: identity.userID, after: after, limit: limit + 1)
        let rows = fetched.prefix(limit)
        RequestIdentity.rowsReturned?.set(rows.count)
        let nextCursor = fetched.count > limit ? rows.last.map { cursors.issue(after: $0.seq, for: binding) } : nil
        let body = try Self.body(rows, nextCursor: nextCursor, ids: tokens.pairwiseIdentifiers(for: partner.clientId))
        // Over the whole body: the rows and whether more follow.
        let etag = "\"" + Base64URL.encode(SHA256.hash(body).prefix(12)) + "\""
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .eTag: etag]
        if let nextCursor {
            // `since` was checked to be digits and the cursor is base64url and digits: nothing to escape.
            let since = binding.since.map { "&since=\($0)" } ?? ""
            headers[.link] = "<\(origin.url)/v1/achievements?limit=\(limit)\(since)&cursor=\(nextCursor)>; rel=\"next\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A stored timestamp (GRDB's `YYYY-MM-DD HH:MM:SS.SSS`, UTC) as RFC 3339: the same characters
    /// with a `T` and a `Z`, which is what `LenientDateTranscoder` writes for the date it stands for.
    /// Any other stored form (other text, a Unix time) goes through `Date`.
    static func rfc3339(stored value: DatabaseValue) throws -> String {
        guard case .string(let text) = value.storage, text.utf8.count == 23 else { return try viaDate(value) }
        var bytes = Array(text.utf8)
        guard bytes[10] == UInt8(ascii: " "), bytes[19] == UInt8(ascii: ".") else { return try viaDate(value) }
        bytes[10] = UInt8(ascii: "T")
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func viaDate(_ value: DatabaseValue) throws -> String {
        guard let date = Date.fromDatabaseValue(value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unreadable achievement time \(value)"))
        }
        return try LenientDateTranscoder().encode(date)
    }

    /// `limit` as the spec has it: an integer (the range is checked by `ListCursor.limit`).
    static func limit(_ text: Substring?) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw APIProblem.badRequest("limit must be an integer between 1 and 200", field: "limit") }
        return value
    }

    private func position(cursor: String?, binding: FeedCursor.Binding) throws -> Int64 {
        if let cursor { return try cursors.position(of: cursor, for: binding) }
        guard let since = binding.since else { return 0 }
        guard let value = Int64(since), value >= 0 else { throw APIProblem.badRequest("since must be a sequence from this feed", field: "since") }
        return value
    }

    /// `{"data":[PartnerAchievement...],"next_cursor":...}` with the field names of openapi.yaml.
    static func body(_ rows: some Collection<PartnerFeedRow>, nextCursor: String?, ids: PairwiseIdentifiers) throws -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 600 * rows.count + 64)
        json.raw(#"{"data":["#)
        for (index, row) in rows.enumerated() {
            if index > 0 { json.raw(",") }
            // Ids are pairwise too: the app's event ids or our achievement ids would let partners join their views.
            json.raw("{"); json.key("id"); json.string(ids.identifier(row.id, kind: "ach"))
            json.raw(","); json.key("subject"); json.string(ids.subject(of: row.userId))
            json.raw(","); json.key("program_id"); json.string(row.programId)
            json.raw(","); json.key("program_name"); json.string(row.programName)
            json.raw(","); json.key("incentive"); json.string(row.incentive)
            json.raw(#","reward":{"name":"#); json.string(row.rewardName)
            if let description = row.rewardDescription { json.raw(","); json.key("description"); json.string(description) }
            if let payload = row.rewardPayload { json.raw(","); json.key("payload"); json.string(payload) }
            json.raw("},"); json.key("achieved_at"); json.string(try Self.rfc3339(stored: row.achievedAt))
            json.raw(","); json.key("achieved_on"); json.string(row.achievedOn)
            json.raw(","); json.key("event_ids"); json.strings(row.eventIds.map { ids.identifier($0, kind: "evt") })
            json.raw(","); json.key("period_key"); json.string(row.periodKey)
            json.raw(","); json.key("sequence"); json.string(String(row.seq))
            json.raw("}")
        }
        json.raw("],"); json.key("next_cursor"); json.string(nextCursor)
        json.raw("}")
        return json.bytes
    }
}

extension HTTPField.Name {
    static let link = Self("Link")!
}
