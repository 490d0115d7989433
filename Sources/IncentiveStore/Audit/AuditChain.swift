public import Foundation
import GRDB
import OpenSSLCrypto

/// One audited fact, as appended.
public struct AuditFact: Sendable, Equatable, Codable {
    public var type: String
    public var outcome: String
    public var clientID: String?
    public var userID: String?
    public var subject: String?
    public var grantID: String?
    public var jti: String?
    public var path: String?
    public var status: Int?
    public var rows: Int?
    public var address: String?
    public var requestID: String?
    /// Free-form JSON object text.
    public var detail: String?

    public init(type: String, outcome: String, clientID: String? = nil, userID: String? = nil, subject: String? = nil,
                grantID: String? = nil, jti: String? = nil, path: String? = nil, status: Int? = nil, rows: Int? = nil,
                address: String? = nil, requestID: String? = nil, detail: String? = nil) {
        self.type = type
        self.outcome = outcome
        self.clientID = clientID
        self.userID = userID
        self.subject = subject
        self.grantID = grantID
        self.jti = jti
        self.path = path
        self.status = status
        self.rows = rows
        self.address = address
        self.requestID = requestID
        self.detail = detail
    }

    /// A fact of the service: its type and outcome from the audit vocabulary.
    public init(_ type: AuditEventType, _ outcome: AuditOutcome, clientID: String? = nil, userID: String? = nil, subject: String? = nil,
                grantID: String? = nil, jti: String? = nil, path: String? = nil, status: Int? = nil, rows: Int? = nil,
                address: String? = nil, requestID: String? = nil, detail: String? = nil) {
        self.init(type: type.rawValue, outcome: outcome.rawValue, clientID: clientID, userID: userID, subject: subject, grantID: grantID,
                  jti: jti, path: path, status: status, rows: rows, address: address, requestID: requestID, detail: detail)
    }

    /// The `detail` column: a JSON object with sorted keys, or nothing.
    public static func detail(_ fields: [String: String]) -> String? {
        guard !fields.isEmpty else { return nil }
        var json = JSONWriter(reservingCapacity: 128)
        for (index, key) in fields.keys.sorted().enumerated() {
            json.raw(index == 0 ? "{" : ",")
            json.string(key)
            json.raw(":")
            json.string(fields[key])
        }
        json.raw("}")
        return String(decoding: json.finish(), as: UTF8.self)
    }
}

/// A stored audit row: the fact, its place and time, and its MAC.
public struct AuditRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditEvent"
    public var seq: Int64?
    public var at: Date
    public var type: String
    public var outcome: String
    public var clientId: String?
    public var userId: String?
    public var subject: String?
    public var grantId: String?
    public var jti: String?
    public var path: String?
    public var status: Int?
    public var rows: Int?
    public var address: String?
    public var requestId: String?
    public var detail: String?
    public var mac: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}

/// The tamper-evident audit log: each row's MAC is HMAC-SHA-256, under a key kept outside the
/// database, of the previous row's MAC and the row's canonical form (JSON, sorted keys, a fixed
/// column list; lowercase hex; the genesis MAC is 64 zeros). Retention deletes from the start and
/// appends an anchor row naming the last deleted row and its MAC, so the rest still verifies.
public struct AuditChain: Sendable {
    public static let genesis = String(repeating: "0", count: 64)
    let database: IncentiveDatabase
    let key: HMACSHA256Key

    public init(database: IncentiveDatabase, key: [UInt8]) {
        self.database = database
        self.key = HMACSHA256Key(key)
    }

    /// Appends `fact` durably (the transaction commits before this returns); returns its MAC, the new head.
    @discardableResult
    public func append(_ fact: AuditFact, at: Date = Date()) async throws -> String {
        try await database.writer.write { db in try append(fact, at: at, in: db) }
    }

    /// Appends inside the caller's transaction, so a fact and the change it records commit together.
    /// Any failure is an `AuditWriteError`, which rolls the caller's transaction back.
    @discardableResult
    public func append(_ fact: AuditFact, at: Date, in db: Database) throws(AuditWriteError) -> String {
        do {
            return try appendRow(fact, at: at, in: db)
        } catch {
            throw AuditWriteError(underlying: error)
        }
    }

    private func appendRow(_ fact: AuditFact, at: Date, in db: Database) throws -> String {
        // Cached: this runs for every audited request.
        let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, mac FROM auditEvent ORDER BY seq DESC LIMIT 1"))
        let previous: String = head?["mac"] ?? Self.genesis
        let next: Int64 = (head?["seq"] ?? 0) + 1
        var record = AuditRecord(
            seq: next, at: at.wholeMilliseconds, type: fact.type, outcome: fact.outcome, clientId: fact.clientID, userId: fact.userID,
            subject: fact.subject, grantId: fact.grantID, jti: fact.jti, path: fact.path, status: fact.status, rows: fact.rows,
            address: fact.address, requestId: fact.requestID, detail: fact.detail, mac: "")
        record.mac = mac(of: record, previous: previous)
        try record.insertOnWriterPath(db)
        return record.mac
    }

    /// Rows in chain order, for `incentives audit export`.
    public func rows(after seq: Int64 = 0, limit: Int = 1000) async throws -> [AuditRecord] {
        try await database.writer.read { db in
            try AuditRecord.filter(Column("seq") > seq).order(Column("seq")).limit(limit).fetchAll(db)
        }
    }

    /// The MAC of the newest row: what `audit verify --expect-head` compares against.
    public func head() async throws -> String {
        try await database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT mac FROM auditEvent ORDER BY seq DESC LIMIT 1") ?? Self.genesis
        }
    }

    public enum Verdict: Sendable, Equatable {
        case intact(rows: Int, head: String)
        /// The first row whose MAC or place in the chain is wrong (edited, inserted or after a deletion).
        case broken(seq: Int64, reason: String)
        /// The chain verifies but ends before the expected head: rows were cut off the end.
        case truncated(head: String, expected: String)
    }

    public func verify(expectHead: String? = nil) async throws -> Verdict {
        try await database.writer.read { db in
            let rows = try AuditRecord.order(Column("seq")).fetchCursor(db)
            var previous: String?
            var expectedSeq: Int64?
            var anchors: [Int64: String] = [:]  // last deleted seq -> its MAC
            var count = 0
            var head = Self.genesis
            while let row = try rows.next() {
                let seq = row.seq!
                if previous == nil {
                    if seq == 1 { previous = Self.genesis } else if let anchored = try anchorMAC(before: seq, in: db) {
                        previous = anchored
                    } else {
                        return .broken(seq: seq, reason: "rows before \(seq) are missing and no anchor row accounts for them")
                    }
                } else if let expectedSeq, seq != expectedSeq {
                    return .broken(seq: seq, reason: "row \(expectedSeq) is missing")
                }
                guard ConstantTime.equals(Array(row.mac.utf8), Array(mac(of: row, previous: previous!).utf8)) else {
                    return .broken(seq: seq, reason: "the MAC does not match: the row was changed or the rows before it were")
                }
                if row.type == AuditEventType.auditAnchor.rawValue, let detail = row.detail, let anchor = Anchor(json: detail) { anchors[anchor.lastDeletedSeq] = anchor.lastDeletedMAC }
                previous = row.mac
                expectedSeq = seq + 1
                head = row.mac
                count += 1
            }
            if let expectHead, expectHead != head {
                return .truncated(head: head, expected: expectHead)
            }
            return .intact(rows: count, head: head)
        }
    }

    /// Deletes rows older than `before`, in batches, and appends an anchor row for each batch.
    public func applyRetention(before: Date, batchSize: Int = 500, now: Date = Date()) async throws -> Int {
        var deleted = 0
        // Rows appended from here on (this run's anchors among them) are never victims of this run.
        let horizon = try await database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM auditEvent") } ?? 0
        while true {
            let removed: Int = try await database.writer.write { db in
                let victims = try AuditRecord.filter(Column("at") < before && Column("seq") <= horizon)
                    .order(Column("seq")).limit(batchSize).fetchAll(db)
                // Only a prefix of the chain can go: stop at the first row that must stay.
                let first = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM auditEvent") ?? 0
                let prefix = victims.enumerated().prefix { $0.offset == Int($0.element.seq! - first) }.map(\.element)
                guard let last = prefix.last else { return 0 }
                // The anchor goes in first: were the table ever empty, the next row would restart
                // the sequence at 1 and the chain at the genesis MAC.
                let anchor = Anchor(lastDeletedSeq: last.seq!, lastDeletedMAC: last.mac, count: prefix.count)
                try append(AuditFact(.auditAnchor, .ok, detail: anchor.json), at: now, in: db)
                try db.execute(sql: "DELETE FROM auditEvent WHERE seq <= ?", arguments: [last.seq!])
                return prefix.count
            }
            deleted += removed
            if removed < batchSize { return deleted }
        }
    }

    private func anchorMAC(before seq: Int64, in db: Database) throws -> String? {
        for row in try AuditRecord.filter(Column("type") == AuditEventType.auditAnchor.rawValue).order(Column("seq").desc).fetchAll(db) {
            if let detail = row.detail, let anchor = Anchor(json: detail), anchor.lastDeletedSeq + 1 == seq { return anchor.lastDeletedMAC }
        }
        return nil
    }

    func mac(of row: AuditRecord, previous: String) -> String {
        var message = JSONWriter(reservingCapacity: 512)
        var previous = previous
        previous.withUTF8 { message.rawBytes(UnsafeRawBufferPointer($0)) }
        message.raw("\n")
        Self.writeCanonicalForm(row, to: &message)
        return message.withBytes { Hex.encode(key.authenticationCode(of: $0)) }
    }

    static func canonicalForm(_ row: AuditRecord) -> String {
        var json = JSONWriter(reservingCapacity: 512)
        writeCanonicalForm(row, to: &json)
        return String(decoding: json.finish(), as: UTF8.self)
    }

    /// JSON with sorted keys over the fixed column list (the MAC itself excluded), absent values
    /// as null: the text `JSONEncoder` wrote for it with `.sortedKeys` and `.withoutEscapingSlashes`,
    /// which every stored MAC covers. Written by hand: through `JSONEncoder` it was most of the
    /// audit writer's time on a partner call.
    static func writeCanonicalForm(_ row: AuditRecord, to json: inout JSONWriter) {
        // Nearest, not down: SQLite hands back .532 as .531999...
        let milliseconds = Int64((row.at.timeIntervalSince1970 * 1000).rounded())
        let fields: [(name: StaticString, value: CanonicalValue)] = [
            ("address", .text(row.address)), ("at", .text(String(milliseconds))), ("client_id", .text(row.clientId)),
            ("detail", .text(row.detail)), ("grant_id", .text(row.grantId)), ("jti", .text(row.jti)), ("outcome", .text(row.outcome)),
            ("path", .text(row.path)), ("request_id", .text(row.requestId)), ("rows", .number(row.rows.map(Int64.init))),
            ("seq", .number(row.seq)), ("status", .number(row.status.map(Int64.init))), ("subject", .text(row.subject)),
            ("type", .text(row.type)), ("user_id", .text(row.userId)),
        ]
        for (index, field) in fields.enumerated() {
            json.raw(index == 0 ? "{" : ",")
            json.key(field.name)
            switch field.value {
            case .text(let text): json.string(text)
            case .number(let number): json.integer(number)
            }
        }
        json.raw("}")
    }

    private enum CanonicalValue {
        case text(String?)
        case number(Int64?)
    }
}

/// What an anchor row records about the rows retention deleted.
struct Anchor: Codable {
    let lastDeletedSeq: Int64
    let lastDeletedMAC: String
    let count: Int

    enum CodingKeys: String, CodingKey {
        case lastDeletedSeq = "last_deleted_seq"
        case lastDeletedMAC = "last_deleted_mac"
        case count
    }

    init(lastDeletedSeq: Int64, lastDeletedMAC: String, count: Int) {
        self.lastDeletedSeq = lastDeletedSeq
        self.lastDeletedMAC = lastDeletedMAC
        self.count = count
    }

    init?(json: String) {
        guard let anchor = try? JSONDecoder().decode(Anchor.self, from: Data(json.utf8)) else { return nil }
        self = anchor
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
