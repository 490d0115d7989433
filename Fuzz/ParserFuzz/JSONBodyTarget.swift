import Foundation
import IncentiveAPI
import IncentiveAPIGenerated

/// The first byte picks one of the `/v1` request body types; the rest is decoded as the
/// generated server decodes it (JSON, lenient RFC 3339 dates), then validated and re-encoded.
enum JSONBodyTarget {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        let transcoder = LenientDateTranscoder()
        decoder.dateDecodingStrategy = .custom { decoder in try transcoder.decode(decoder.singleValueContainer().decode(String.self)) }
        return decoder
    }()

    static func run(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let body = Data(bytes.dropFirst())
        switch selector % 8 {
        case 0: roundTrip(Components.Schemas.EventInput.self, body)
        case 1: roundTrip(Components.Schemas.EmployerInput.self, body)
        case 2:
            guard let program = roundTrip(Components.Schemas.ProgramInput.self, body) else { return }
            _ = try? ProgramDraftMapping.draft(from: program)
        case 3: roundTrip(Components.Schemas.UserInput.self, body)
        case 4: roundTrip(Components.Schemas.UserPatch.self, body)
        case 5: roundTrip(Components.Schemas.ProgramPatch.self, body)
        case 6: roundTrip(Components.Schemas.PartnerInput.self, body)
        default: roundTrip(Components.Schemas.PartnerPatch.self, body)
        }
    }

    /// Decodes, and re-encodes what decoded: what the API accepts it must be able to write back.
    @discardableResult
    static func roundTrip<Body: Codable>(_ type: Body.Type, _ data: Data) -> Body? {
        guard let value = try? decoder.decode(type, from: data) else { return nil }
        do {
            _ = try JSONEncoder().encode(value)
        } catch {
            fatalError("decoded \(type) but cannot encode it: \(error)")
        }
        return value
    }
}
