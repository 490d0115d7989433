public import Foundation
public import GRDB
import IncentiveStore

public struct PartnerRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "partner"
    public var clientId: String
    public var name: String
    public var secretHash: String
    public var redirectUris: String
    public var scopes: String
    public var programIds: String
    public var disabled: Bool
    public var createdAt: Date

    public var redirectURIList: [String] { JSONStringList.decode(redirectUris) }
    public var programIDList: [String] { JSONStringList.decode(programIds) }
    public var scopeSet: ScopeSet { ScopeSet(parsing: scopes) }
}

public struct GrantRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "grant"
    public var id: String
    public var userId: String
    public var clientId: String
    public var scopes: String
    public var createdAt: Date
    public var revokedAt: Date?
}

struct AuthorizationCodeRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "authorizationCode"
    var hash: String
    var clientId: String
    var grantId: String
    var redirectUri: String
    var codeChallenge: String
    var scopes: String
    var expiresAt: Date
    var usedAt: Date?
    var familyId: String?
}

struct RefreshFamilyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "refreshFamily"
    var id: String
    var grantId: String
    var clientId: String
    var scopes: String
    var createdAt: Date
    var lastUsedAt: Date
    var revokedAt: Date?
    var revokedReason: String?
}

struct RefreshTokenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "refreshToken"
    var hash: String
    var familyId: String
    var createdAt: Date
    var rotatedAt: Date?
}

struct RevokedAccessTokenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "revokedAccessToken"
    var jti: String
    var expiresAt: Date
}
