import Hummingbird
import NIOCore

/// Routes for the transport tests only (large bodies both ways); mounted when
/// `AppConfiguration.enablesTestRoutes` is set, never by default.
struct TestRoutesController<Context: RequestContext> {
    static var maximumGeneratedBytes: Int { 64 * 1024 * 1024 }

    func addRoutes(to router: Router<Context>) {
        let group = router.group("_test")
        // Collects the whole body before answering, as API handlers do: a streamed echo would
        // deadlock with clients that send their whole request before reading (requests, urllib3).
        group.post("echo") { request, _ in
            let body = try await request.body.collect(upTo: Self.maximumGeneratedBytes)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: body))
        }
        group.get("bytes/:count") { _, context in
            let count = try context.parameters.require("count", as: Int.self)
            guard (0...Self.maximumGeneratedBytes).contains(count) else { throw HTTPError(.badRequest) }
            let buffer = ByteBuffer(repeating: UInt8(ascii: "x"), count: count)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: buffer))
        }
    }
}
