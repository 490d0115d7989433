public import Foundation
import GRDB
public import IncentiveEngine
import OpenSSLCrypto

public struct ProgramRepository: Sendable {
    let database: IncentiveDatabase

    public init(database: IncentiveDatabase) {
        self.database = database
    }

    public struct Draft: Sendable {
        public var name: String
        public var rule: any IncentiveRule
        public var reward: Reward
        public var repeatable: Bool
        public var active: Bool
        public var startsAt: Date?
        public var endsAt: Date?

        public init(name: String, rule: any IncentiveRule, reward: Reward, repeatable: Bool, active: Bool, startsAt: Date?, endsAt: Date?) {
            self.name = name
            self.rule = rule
            self.reward = reward
            self.repeatable = repeatable
            self.active = active
            self.startsAt = startsAt
            self.endsAt = endsAt
        }
    }

    /// What an admin may change; the rule and its parameters never change (deactivate and create
    /// instead), nor does `repeatable`: evaluation reads "holds any period of a once-program" as
    /// "earned it" (`SQLiteActivityLedger.earnedOnce`), which a program turned once from
    /// repeatable would break.
    public struct Patch: Sendable {
        public var active: Bool?
        public var endsAt: Date??
        public var name: String?
        public var rewardName: String?
        public var rewardDescription: String??

        public init(active: Bool? = nil, endsAt: Date?? = nil, name: String? = nil, rewardName: String? = nil, rewardDescription: String?? = nil) {
            self.active = active
            self.endsAt = endsAt
            self.name = name
            self.rewardName = rewardName
            self.rewardDescription = rewardDescription
        }
    }

    public func create(employerID: String, _ draft: Draft, now: Date = Date(), audit: AuditedChange? = nil) async throws -> ProgramRecord {
        let parameters = try JSONEncoder.sortedKeys.encode(draft.rule.parameters)
        return try await database.writer.write { db in
            guard try EmployerRecord.fetchOne(db, key: employerID) != nil else { throw StoreError.notFound("employer \(employerID)") }
            let program = ProgramRecord(
                id: "prg_" + Hex.encode(SecureRandom.bytes(10)),
                employerId: employerID, name: draft.name, incentive: type(of: draft.rule).kind,
                parameters: String(decoding: parameters, as: UTF8.self), rewardName: draft.reward.name,
                rewardDescription: draft.reward.description, rewardPayload: draft.reward.payload,
                repeatable: draft.repeatable, active: draft.active, startsAt: draft.startsAt, endsAt: draft.endsAt,
                createdAt: now)
            try program.insert(db)
            try audit?.append(at: now, in: db)
            return program
        }
    }

    public func update(employerID: String, programID: String, _ patch: Patch, now: Date = Date(),
                       audit: AuditedChange? = nil) async throws -> ProgramRecord {
        try await database.writer.write { db in
            guard var program = try ProgramRecord.fetchOne(db, key: programID), program.employerId == employerID else {
                throw StoreError.notFound("program \(programID)")
            }
            if let active = patch.active { program.active = active }
            if let endsAt = patch.endsAt { program.endsAt = endsAt }
            if let name = patch.name { program.name = name }
            if let rewardName = patch.rewardName { program.rewardName = rewardName }
            if let rewardDescription = patch.rewardDescription { program.rewardDescription = rewardDescription }
            try program.update(db)
            try audit?.append(at: now, in: db)
            return program
        }
    }

    public func list(employerID: String, after: String?, limit: Int) async throws -> Page<ProgramRecord> {
        try await database.writer.read { db in
            guard try EmployerRecord.fetchOne(db, key: employerID) != nil else { throw StoreError.notFound("employer \(employerID)") }
            var request = ProgramRecord.filter(Column("employerId") == employerID).order(Column("id")).limit(limit + 1)
            if let after { request = request.filter(Column("id") > after) }
            return Page.make(try request.fetchAll(db), limit: limit, key: \.id)
        }
    }
}

extension JSONEncoder {
    /// Canonical JSON: sorted keys, slashes unescaped (stored parameters, problem bodies, audit details).
    public static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
