import Foundation
import Hummingbird

/// Serves the contract partners code against: `GET /openapi.yaml`.
struct OpenAPIDocumentController<Context: RequestContext> {
    let document: ByteBuffer

    init() throws {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw ConfigurationError("openapi.yaml is missing from the bundle")
        }
        document = ByteBuffer(data: try Data(contentsOf: url))
    }

    func addRoutes(to router: Router<Context>) {
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: document))
        }
    }
}
