import OpenSSLCrypto

/// The ids one partner sees (DESIGN §5): a user's stable pseudonym, and achievement and event ids
/// that are stable for that partner and different for every other, so two partners cannot join
/// their views. One instance serves a run of ids (a feed page), on one HMAC session, and keeps
/// the last subject it made: consecutive rows of a page are often one user's. Not `Sendable`.
public final class PairwiseIdentifiers {
    private let mac: HMACSHA256Session
    private let clientID: String
    private var lastUserID: [UInt8] = []
    private var lastSubject: ArraySlice<UInt8> = []
    /// The message being MACed, reused from one id to the next.
    private var message: [UInt8] = []

    init(key: HMACSHA256Key, clientID: String) {
        mac = key.session()
        self.clientID = clientID
    }

    public func subject(of userID: String) -> String {
        var userID = userID
        return Base64URL.encode(userID.withUTF8 { subjectBytes(ofUTF8: UnsafeRawBufferPointer($0)) })
    }

    /// The 18 bytes whose base64url is the subject of the user with this UTF-8 id.
    public func subjectBytes(ofUTF8 userID: UnsafeRawBufferPointer) -> ArraySlice<UInt8> {
        if !lastSubject.isEmpty, lastUserID.elementsEqual(userID) { return lastSubject }
        message.removeAll(keepingCapacity: true)
        message.append(contentsOf: userID)
        message.append(UInt8(ascii: "\n"))
        message.append(contentsOf: clientID.utf8)
        lastUserID = Array(userID)
        lastSubject = mac.authenticationCode(for: message).prefix(18)
        return lastSubject
    }

    /// The 15 bytes behind an id of `kind` (`ach`, `evt`; it also separates the id spaces). The
    /// id a partner sees is `kind_` and their base64url, which the feed writes in place.
    public func identifierMAC(of value: UnsafeRawBufferPointer, kind: StaticString) -> ArraySlice<UInt8> {
        message.removeAll(keepingCapacity: true)
        kind.withUTF8Buffer { message.append(contentsOf: $0) }
        message.append(UInt8(ascii: "\n"))
        message.append(contentsOf: value)
        message.append(UInt8(ascii: "\n"))
        message.append(contentsOf: clientID.utf8)
        return mac.authenticationCode(for: message).prefix(15)
    }
}
