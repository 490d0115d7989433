public import Foundation
public import PartnerAuth

/// `incentives keys rotate`: works on the files alone, so it may run while the server runs.
public enum SigningKeyRingRotation {
    public static func rotate(dataDirectory: URL) throws -> SigningKeyRing.Entry {
        try SigningKeyRing.rotate(directory: dataDirectory.appendingPathComponent(AppServices.signingKeysFolder))
    }
}
