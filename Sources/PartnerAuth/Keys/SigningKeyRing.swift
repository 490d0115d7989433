public import Foundation
import JOSE
public import OpenSSLCrypto
import Synchronization

/// The ES256 keys that sign access tokens, kept in `<data>/keys/` (PEM files, mode 0600, and
/// `keys.json` with each key's schedule). A new key is published in the JWKS at once but signs
/// only after `activationDelay` (longer than the JWKS cache lifetime). A retired key stays
/// published, and verifies, for `retention` after it stopped signing (the longest any token it
/// signed can be accepted), then it does neither. `incentives keys rotate` may run while the
/// server runs: the ring re-reads `keys.json` when it changes.
public final class SigningKeyRing: Sendable {
    public struct Entry: Codable, Sendable {
        public let kid: String
        public let createdAt: Date
        public let activatesAt: Date
    }

    public static let activationDelay: TimeInterval = 301

    let directory: URL
    /// How long a key stays published and verifying after the next key took over.
    let retention: TimeInterval
    /// `keys.json`, whose change time says when to reload; a path made once, not per check.
    private let schedulePath: String
    private let state: Mutex<(modified: timespec?, entries: [Entry], keys: [String: ES256PrivateKey])>

    /// - Parameter retention: how long after a key stopped signing a token it signed can still
    ///   be accepted (`TokenSettings.longestAcceptedLifetime`).
    public init(directory: URL, retention: TimeInterval) throws {
        self.directory = directory
        self.retention = retention
        schedulePath = directory.appendingPathComponent("keys.json").path
        state = Mutex((nil, [], [:]))
        try SecureFile.createPrivateDirectory(directory)
        if try Self.readSchedule(in: directory).isEmpty {
            // The first key has no cached JWKS to wait for.
            try Self.addKey(in: directory, activatesAt: Date(timeIntervalSince1970: 0))
        }
        try reloadIfChanged()
    }

    /// Publishes a new key that starts signing after the activation delay; retires the one in use then.
    public static func rotate(directory: URL, now: Date = Date()) throws -> Entry {
        try addKey(in: directory, activatesAt: now.addingTimeInterval(activationDelay))
    }

    /// The key that signs now: the newest active one.
    public func signingKey(now: Date = Date()) throws -> (kid: String, key: ES256PrivateKey) {
        try reloadIfChanged()
        return try state.withLock { state in
            guard let entry = state.entries.filter({ $0.activatesAt <= now }).max(by: { $0.activatesAt < $1.activatesAt }),
                  let key = state.keys[entry.kid]
            else { throw OpenSSLError(operation: "signing key", reasons: ["no active signing key"]) }
            return (entry.kid, key)
        }
    }

    /// The key that verifies tokens naming `kid`: any published key, none once retired for `retention`.
    public func verificationKey(kid: String, now: Date = Date()) -> ES256PublicKey? {
        try? reloadIfChanged()
        return state.withLock { state in
            guard let entry = state.entries.first(where: { $0.kid == kid }), isPublished(entry, in: state.entries, now: now) else { return nil }
            return state.keys[kid]?.publicKey
        }
    }

    /// The JWKS: exactly the keys that verify (new keys before they sign, retired keys until their tokens expired).
    public func jwks(now: Date = Date()) -> JWKSet {
        try? reloadIfChanged()
        return state.withLock { state in
            let published = state.entries.filter { isPublished($0, in: state.entries, now: now) }
            return JWKSet(keys: published.compactMap { entry in state.keys[entry.kid].map { JWK(publicKey: $0.publicKey, kid: entry.kid) } })
        }
    }

    /// Not yet superseded, or superseded for at most `retention`.
    private func isPublished(_ entry: Entry, in entries: [Entry], now: Date) -> Bool {
        guard let superseded = nextActivation(after: entry, in: entries), superseded <= now else { return true }
        return now.timeIntervalSince(superseded) <= retention
    }

    /// When the key after `entry` took over (the moment `entry` stopped signing).
    private func nextActivation(after entry: Entry, in entries: [Entry]) -> Date? {
        entries.filter { $0.activatesAt > entry.activatesAt }.map(\.activatesAt).min()
    }

    private func reloadIfChanged() throws {
        // A plain stat(2) on every signing and verification: Foundation's file attributes cost
        // more than the signature itself.
        var status = stat()
        let modified = stat(schedulePath, &status) == 0 ? status.st_mtim : nil
        if state.withLock({ $0.modified.map { Self.same($0, modified) } == true && !$0.entries.isEmpty }) { return }
        let entries = try Self.readSchedule(in: directory)
        var keys: [String: ES256PrivateKey] = [:]
        for entry in entries {
            keys[entry.kid] = try Self.readKey(directory.appendingPathComponent("\(entry.kid).pem"))
        }
        state.withLock { $0 = (modified, entries, keys) }
    }

    private static func same(_ time: timespec, _ other: timespec?) -> Bool {
        guard let other else { return false }
        return time.tv_sec == other.tv_sec && time.tv_nsec == other.tv_nsec
    }

    /// A private PEM file; any problem names the file (a key is never replaced by a new one).
    private static func readKey(_ url: URL) throws -> ES256PrivateKey {
        guard let data = try SecureFile.readPrivate(url) else { throw PrivateFileError.missing(path: url.path) }
        do {
            return try ES256PrivateKey(pemRepresentation: String(decoding: data, as: UTF8.self))
        } catch {
            throw PrivateFileError.malformed(path: url.path, reason: "not an ES256 private key in PEM")
        }
    }

    /// The schedule; empty only when `keys.json` does not exist yet.
    private static func readSchedule(in directory: URL) throws -> [Entry] {
        let url = directory.appendingPathComponent("keys.json")
        guard let data = try SecureFile.readPrivate(url) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode([Entry].self, from: data)
        } catch {
            throw PrivateFileError.malformed(path: url.path, reason: "not the key schedule JSON")
        }
    }

    @discardableResult
    private static func addKey(in directory: URL, activatesAt: Date) throws -> Entry {
        let key = try ES256PrivateKey()
        let kid = Base64URL.encode(SHA256.hash(Array((key.publicKey.x + key.publicKey.y))).prefix(12))
        try SecureFile.write(Data(try key.pemRepresentation().utf8), to: directory.appendingPathComponent("\(kid).pem"))
        let entry = Entry(kid: kid, createdAt: Date(), activatesAt: activatesAt)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try SecureFile.write(try encoder.encode(try readSchedule(in: directory) + [entry]), to: directory.appendingPathComponent("keys.json"))
        return entry
    }
}
