import Foundation
import GRDB
import NIOCore
import IncentiveStore
import OpenSSLCrypto
import PartnerAuth

/// Writes one partner feed page, `{"data":[PartnerAchievement...],"next_cursor":...}` with the
/// field names of openapi.yaml, straight from the rows' SQLite buffers as the query steps.
struct PartnerFeedPage: ~Copyable {
    private let limit: Int
    private let ids: PairwiseIdentifiers
    private var json: JSONWriter
    private(set) var rows = 0
    /// The partner-local feed position of the last row written.
    private(set) var lastPosition: Int64 = 0
    /// The query found a row past `limit` (it asks for one more).
    private(set) var hasMore = false

    init(limit: Int, ids: PairwiseIdentifiers) {
        self.limit = limit
        self.ids = ids
        json = JSONWriter(reservingCapacity: 600 * limit + 64)
        json.raw(#"{"data":["#)
    }

    mutating func add(_ row: PartnerFeedColumns) throws {
        guard rows < limit else { return hasMore = true }
        if rows > 0 { json.raw(",") }
        // Ids are pairwise too: the app's event ids or our achievement ids would let partners join their views.
        json.raw("{"); json.key("id"); json.identifier(kind: "ach", mac: ids.identifierMAC(of: try Self.required(row, .id), kind: "ach"))
        json.raw(","); json.key("subject"); json.base64URL(ids.subjectBytes(ofUTF8: try Self.required(row, .userId)))
        json.raw(","); json.key("program_id"); json.string(utf8: try Self.required(row, .programId))
        json.raw(","); json.key("program_name"); json.string(utf8: try Self.required(row, .programName))
        json.raw(","); json.key("incentive"); json.string(utf8: try Self.required(row, .incentive))
        json.raw(#","reward":{"name":"#); json.string(utf8: try Self.required(row, .rewardName))
        if let description = row.text(.rewardDescription) { json.raw(","); json.key("description"); json.string(utf8: description) }
        if let payload = row.text(.rewardPayload) { json.raw(","); json.key("payload"); json.string(utf8: payload) }
        json.raw("},"); json.key("achieved_at"); try writeAchievedAt(row)
        json.raw(","); json.key("achieved_on"); json.string(utf8: try Self.required(row, .achievedOn))
        json.raw(","); json.key("event_ids"); try writeEventIDs(try Self.required(row, .eventIds))
        json.raw(","); json.key("period_key"); json.string(utf8: try Self.required(row, .periodKey))
        lastPosition = row.int64(.position)
        json.raw(","); json.key("sequence"); json.string(String(lastPosition))
        json.raw("}")
        rows += 1
    }

    /// The finished body.
    consuming func finish(nextCursor: String?, allocator: ByteBufferAllocator) -> ByteBuffer {
        json.raw("],"); json.key("next_cursor"); json.string(nextCursor)
        json.raw("}")
        return json.finish(allocator: allocator)
    }

    /// Partners get the time of an award to the whole minute (`achieved_on` stays): with
    /// milliseconds, the time and the program alone would let two partners of a small program join
    /// their views of a user.
    private mutating func writeAchievedAt(_ row: PartnerFeedColumns) throws {
        if row.isText(.achievedAt), let text = row.text(.achievedAt), Self.writeStoredMinute(text, into: &json) { return }
        json.string(try Self.rfc3339Minute(stored: row.databaseValue(.achievedAt)))
    }

    /// GRDB's `YYYY-MM-DD HH:MM:SS.SSS` (UTC) becomes the RFC 3339 minute it falls in,
    /// `YYYY-MM-DDTHH:MM:00Z`. False, writing nothing, for any other form (those go through `Date`).
    static func writeStoredMinute(_ text: UnsafeRawBufferPointer, into json: inout JSONWriter) -> Bool {
        guard text.count == 23, text[10] == UInt8(ascii: " "), text[19] == UInt8(ascii: ".") else { return false }
        json.raw("\"")
        json.rawBytes(UnsafeRawBufferPointer(rebasing: text[..<10]))
        json.raw("T")
        json.rawBytes(UnsafeRawBufferPointer(rebasing: text[11..<16]))
        json.raw(":00Z\"")
        return true
    }

    private mutating func writeEventIDs(_ list: UnsafeRawBufferPointer) throws {
        json.raw("[")
        if let ranges = JSONStringList.plainRanges(list) {
            for (index, range) in ranges.enumerated() {
                if index > 0 { json.raw(",") }
                json.identifier(kind: "evt", mac: ids.identifierMAC(of: UnsafeRawBufferPointer(rebasing: list[range]), kind: "evt"))
            }
        } else {
            for (index, id) in JSONStringList.decode(String(decoding: list, as: UTF8.self)).enumerated() {
                if index > 0 { json.raw(",") }
                var id = id
                json.identifier(kind: "evt", mac: id.withUTF8 { ids.identifierMAC(of: UnsafeRawBufferPointer($0), kind: "evt") })
            }
        }
        json.raw("]")
    }

    private static func required(_ row: PartnerFeedColumns, _ column: PartnerFeedColumns.Column) throws -> UnsafeRawBufferPointer {
        guard let text = row.text(column) else {
            throw DecodingError.valueNotFound(String.self, .init(codingPath: [], debugDescription: "achievement.\(column) is NULL"))
        }
        return text
    }

    /// The minute of a stored timestamp in any form GRDB reads as a date, `YYYY-MM-DDTHH:MM:00Z`.
    static func rfc3339Minute(stored value: DatabaseValue) throws -> String {
        guard let date = Date.fromDatabaseValue(value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unreadable achievement time \(value)"))
        }
        let minute = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
        // A whole minute is written `...:00.000Z`; drop the milliseconds.
        return try LenientDateTranscoder().encode(minute).dropLast(5) + "Z"
    }
}
