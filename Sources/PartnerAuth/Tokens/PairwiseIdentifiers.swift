import OpenSSLCrypto

/// The ids one partner sees (DESIGN §5): a user's stable pseudonym, and achievement and event ids
/// that are stable for that partner and different for every other, so two partners cannot join
/// their views. One instance serves a run of ids (a feed page) and keeps
/// the last subject it made: consecutive rows of a page are often one user's. Not `Sendable`.
///
/// A page makes about three hundred ids, so the bytes methods hand back views of buffers this
/// instance owns and reuses (no array per id): each view is valid until the next call of the
/// same method.
public final class PairwiseIdentifiers {
    private static let subjectLength = 18
    private static let identifierLength = 15

    private let mac: HMACSHA256Key
    /// `"\n"` and the client id: the end of every message MACed here.
    private let suffix: UnsafeMutableRawBufferPointer
    /// The message being MACed, reused from one id to the next (a buffer of its own: as an array,
    /// its appends were a tenth of the MACing); longer messages get a buffer of their own.
    private let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)
    private let code = UnsafeMutableRawBufferPointer.allocate(byteCount: SHA256.byteCount, alignment: 1)
    private let lastSubject = UnsafeMutableRawBufferPointer.allocate(byteCount: SHA256.byteCount, alignment: 1)
    private var lastUserID: [UInt8] = []
    private var hasLastSubject = false

    init(key: HMACSHA256Key, clientID: String) {
        mac = key
        let text = Array("\n\(clientID)".utf8)
        suffix = .allocate(byteCount: text.count, alignment: 1)
        suffix.copyBytes(from: text)
    }

    deinit {
        suffix.deallocate()
        message.deallocate()
        code.deallocate()
        lastSubject.deallocate()
    }

    public func subject(of userID: String) -> String {
        var userID = userID
        return Base64URL.encode(Array(userID.withUTF8 { subjectBytes(ofUTF8: UnsafeRawBufferPointer($0)) }))
    }

    /// The 18 bytes whose base64url is the subject of the user with this UTF-8 id; valid until
    /// the next call of this method.
    public func subjectBytes(ofUTF8 userID: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let subject = UnsafeRawBufferPointer(rebasing: lastSubject[..<Self.subjectLength])
        if hasLastSubject, lastUserID.withUnsafeBytes({ $0.elementsEqual(userID) }) { return subject }
        withMessage(kind: nil, userID) { mac.authenticationCode(of: $0, into: lastSubject) }
        lastUserID.removeAll(keepingCapacity: true)
        lastUserID.append(contentsOf: userID)
        hasLastSubject = true
        return subject
    }

    /// The 15 bytes behind an id of `kind` (`ach`, `evt`; it also separates the id spaces); valid
    /// until the next call of this method. The id a partner sees is `kind_` and their base64url,
    /// which the feed writes in place.
    public func identifierMAC(of value: UnsafeRawBufferPointer, kind: StaticString) -> UnsafeRawBufferPointer {
        withMessage(kind: kind, value) { mac.authenticationCode(of: $0, into: code) }
        return UnsafeRawBufferPointer(rebasing: code[..<Self.identifierLength])
    }

    /// `kind` and a newline (for ids), `value` and the suffix, joined.
    private func withMessage(kind: StaticString?, _ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        let prefix = kind.map { UnsafeRawBufferPointer(start: $0.utf8Start, count: $0.utf8CodeUnitCount) }
        let length = (prefix.map { $0.count + 1 } ?? 0) + value.count + suffix.count
        guard length <= message.count else {
            return withUnsafeTemporaryAllocation(byteCount: length, alignment: 1) { join(prefix, value, into: $0, body) }
        }
        join(prefix, value, into: message, body)
    }

    private func join(_ prefix: UnsafeRawBufferPointer?, _ value: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer,
                      _ body: (UnsafeRawBufferPointer) -> Void) {
        // Offsets passed inout rather than captured by a local function: a captured counter was
        // checked for exclusive access at run time on every copy.
        var written = 0
        if let prefix {
            Self.copy(prefix, into: buffer, at: &written)
            buffer[written] = UInt8(ascii: "\n")
            written += 1
        }
        Self.copy(value, into: buffer, at: &written)
        Self.copy(UnsafeRawBufferPointer(suffix), into: buffer, at: &written)
        body(UnsafeRawBufferPointer(rebasing: buffer[..<written]))
    }

    private static func copy(_ part: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer, at offset: inout Int) {
        UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]).copyMemory(from: part)
        offset += part.count
    }
}
