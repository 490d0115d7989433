import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IncentiveAPI
import NIOCore

/// The real application routed in process (`app.test(.router)`) over a fresh SQLite file in a
/// temporary folder, seeded with real credentials of every kind for the properties to start from.
struct ParserTestApp: Sendable {
    let client: any TestClientProtocol
    let world: TestWorld

    static let publicBaseURL = "https://incentives.test"

    static func run(_ body: @Sendable (ParserTestApp) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("incentives-properties-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = makeConfiguration(folder: folder)
        // A second handle on the same data folder, as the CLI has while the server runs: it makes
        // API keys and tokens the way `incentives apikey create` and the OAuth flow would.
        let services = try AppServices(configuration: configuration)
        let app = try await buildApplication(configuration: configuration)
        try await app.test(.router) { client in
            let world = try await TestWorld.seed(services: services, client: client)
            try await body(ParserTestApp(client: client, world: world))
        }
    }

    private static func makeConfiguration(folder: URL) -> AppConfiguration {
        var configuration = AppConfiguration()
        configuration.port = 0
        configuration.publicBaseURL = URL(string: publicBaseURL)
        configuration.dataDirectory = folder.appendingPathComponent("data")
        configuration.certificatesDirectory = folder.appendingPathComponent("certs")
        configuration.logLevel = .error
        configuration.passwordIterations = 1_000
        // The properties send hundreds of feed requests a minute; 429s would hide the parsers behind the limiter.
        configuration.partnerRequestsPerMinute = 1_000_000
        configuration.auditRetentionDays = nil
        return configuration
    }

    func send(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil
    ) async throws -> TestResponse {
        try await client.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    /// A `/v1` request with the admin API key and, when there is a body, its content type.
    func sendAdmin(_ method: HTTPRequest.Method, _ uri: String, body: BodyCase? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(world.adminKey)"]
        if let contentType = body?.contentType { headers[.contentType] = contentType }
        return try await send(method, uri, headers: headers, body: body?.bytes)
    }
}

extension TestResponse {
    var bodyBytes: [UInt8] { Array(body.readableBytesView) }
    var bodyText: String { String(decoding: bodyBytes, as: UTF8.self) }

    /// The body as a JSON object, or nil.
    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bodyBytes))) as? [String: Any]
    }
}
