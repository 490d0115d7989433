public import Foundation
import GRDB
public import IncentiveStore
import OpenSSLCrypto

/// Partners: OAuth confidential clients registered by an admin, with exact redirect URIs, allowed
/// scopes and the employer programs they manage. Secrets are shown once and stored hashed.
public struct PartnerRegistry: Sendable {
    public static let supportedScopes = Set(OAuthScope.allCases.map(\.rawValue))
    let database: IncentiveDatabase
    let tokens: OpaqueToken

    public init(database: IncentiveDatabase, hmacKey: [UInt8]) {
        self.database = database
        tokens = OpaqueToken(hmacKey: hmacKey)
    }

    public func create(
        name: String, redirectURIs: [String], scopes: [String], programIDs: [String], now: Date = Date(), audit: AuditedChange? = nil
    ) async throws -> (partner: PartnerRecord, secret: String) {
        guard !name.isEmpty else { throw StoreError.invalid(field: "name", reason: "must not be empty") }
        for uri in redirectURIs { try Self.validateRedirectURI(uri) }
        guard !redirectURIs.isEmpty else { throw StoreError.invalid(field: "redirect_uris", reason: "needs at least one URI") }
        guard !scopes.isEmpty, Set(scopes).isSubset(of: Self.supportedScopes) else {
            throw StoreError.invalid(field: "scopes", reason: "must be among \(Self.supportedScopes.sorted().joined(separator: ", "))")
        }
        let secret = tokens.make(prefix: "ics_")
        let partner = PartnerRecord(
            clientId: OpaqueToken.identifier("cli_"), name: name, secretHash: tokens.hash(secret),
            redirectUris: JSONStringList.encode(redirectURIs), scopes: Set(scopes).sorted().joined(separator: " "),
            programIds: JSONStringList.encode(programIDs), disabled: false, createdAt: now)
        try await database.writer.write { db in
            for programID in programIDs where try ProgramRecord.fetchOne(db, key: programID) == nil {
                throw StoreError.invalid(field: "program_ids", reason: "no program \(programID)")
            }
            try partner.insert(db)
            try audit?.append(at: now, in: db)
        }
        return (partner, secret)
    }

    /// The enabled partner whose id and secret match, else nil (compared in constant time).
    public func authenticate(clientID: String, secret: String) throws -> PartnerRecord? {
        guard let partner = try find(clientID), !partner.disabled else { return nil }
        guard ConstantTime.equals(Array(partner.secretHash.utf8), Array(tokens.hash(secret).utf8)) else { return nil }
        return partner
    }

    public func find(_ clientID: String) throws -> PartnerRecord? {
        try database.readNow { db in
            try PartnerRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM partner WHERE clientId = ?"), arguments: [clientID])
        }
    }

    /// A new secret, shown once; the old one stops working at once.
    public func rotateSecret(clientID: String, now: Date = Date(), audit: AuditedChange? = nil) async throws -> String {
        let secret = tokens.make(prefix: "ics_")
        let hash = tokens.hash(secret)
        try await database.writer.write { db in
            guard var partner = try PartnerRecord.fetchOne(db, key: clientID) else { throw StoreError.notFound("partner \(clientID)") }
            partner.secretHash = hash
            try partner.update(db)
            try audit?.append(at: now, in: db)
        }
        return secret
    }

    public func setDisabled(clientID: String, _ disabled: Bool, now: Date = Date(), audit: AuditedChange? = nil) async throws -> PartnerRecord {
        try await database.writer.write { db in
            guard var partner = try PartnerRecord.fetchOne(db, key: clientID) else { throw StoreError.notFound("partner \(clientID)") }
            partner.disabled = disabled
            try partner.update(db)
            try audit?.append(at: now, in: db)
            return partner
        }
    }

    /// Names of the programs a partner manages, for the consent page.
    public func programNames(of partner: PartnerRecord) async throws -> [String] {
        let ids = partner.programIDList
        return try await database.writer.read { db in
            try ProgramRecord.filter(ids.contains(Column("id"))).order(Column("name")).fetchAll(db).map(\.name)
        }
    }

    public func list() async throws -> [PartnerRecord] {
        try await database.writer.read { db in try PartnerRecord.order(Column("createdAt"), Column("clientId")).fetchAll(db) }
    }

    /// Absolute https URIs (or http on loopback, RFC 8252), no fragment.
    static func validateRedirectURI(_ text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), url.host != nil, url.fragment == nil,
              scheme == "https" || (scheme == "http" && ["127.0.0.1", "localhost", "[::1]", "::1"].contains(url.host!))
        else { throw StoreError.invalid(field: "redirect_uris", reason: "\(text) must be an absolute https URI without fragment") }
    }
}
