import OpenSSLCrypto

/// The ids one partner sees (DESIGN §5): a user's stable pseudonym, and achievement and event ids
/// that are stable for that partner and different for every other, so two partners cannot join
/// their views. One instance serves a run of ids (a feed page), on one HMAC session, and keeps
/// the subjects it made: a page often holds several rows of one user. Not `Sendable`.
public final class PairwiseIdentifiers {
    private let mac: HMACSHA256Session
    private let clientID: String
    private var subjects: [String: String] = [:]

    init(key: HMACSHA256Key, clientID: String) {
        mac = key.session()
        self.clientID = clientID
    }

    public func subject(of userID: String) -> String {
        if let known = subjects[userID] { return known }
        let subject = Base64URL.encode(mac.authenticationCode(utf8: "\(userID)\n\(clientID)").prefix(18))
        subjects[userID] = subject
        return subject
    }

    /// `kind` prefixes the id (`ach_...`, `evt_...`) and separates the id spaces.
    public func identifier(_ value: String, kind: String) -> String {
        kind + "_" + Base64URL.encode(mac.authenticationCode(utf8: "\(kind)\n\(value)\n\(clientID)").prefix(15))
    }
}
