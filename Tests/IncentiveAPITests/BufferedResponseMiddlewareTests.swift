import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import IncentiveAPI
import NIOCore
import Synchronization
import Testing

@Suite("Buffered responses")
struct BufferedResponseMiddlewareTests {
    /// Set by a body when it is written; read by the probe when the response comes back.
    final class WriteFlag: Sendable {
        let written = Atomic(false)
    }

    /// Sits outside the middleware under test and says whether the body had already been written
    /// when the response came back through it: buffered bodies have, streamed ones have not.
    struct Probe<Context: RequestContext>: RouterMiddleware {
        let flag: WriteFlag

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            flag.written.store(false, ordering: .sequentiallyConsistent)
            var response = try await next(request, context)
            response.headers[.probe] = flag.written.load(ordering: .sequentiallyConsistent) ? "buffered" : "streamed"
            return response
        }
    }

    static func body(_ parts: [String], contentLength: Int?, flag: WriteFlag) -> ResponseBody {
        ResponseBody(contentLength: contentLength) { writer in
            flag.written.store(true, ordering: .sequentiallyConsistent)
            for part in parts { try await writer.write(ByteBuffer(string: part)) }
            try await writer.finish(nil)
        }
    }

    @Test("a body of known, small length is written before the response leaves; large and unsized ones stream")
    func buffersOnlySmallSizedBodies() async throws {
        let flag = WriteFlag()
        let limit = String(repeating: "x", count: 1024)
        let large = limit + "x"
        let router = Router()
        router.add(middleware: Probe(flag: flag))
        router.add(middleware: BufferedResponseMiddleware(maximumBytes: 1024))
        router.get("small") { _, _ in Response(status: .ok, body: Self.body(["hel", "lo"], contentLength: 5, flag: flag)) }
        router.get("limit") { _, _ in Response(status: .ok, body: Self.body([limit], contentLength: limit.utf8.count, flag: flag)) }
        router.get("large") { _, _ in Response(status: .ok, body: Self.body([large], contentLength: large.utf8.count, flag: flag)) }
        router.get("unsized") { _, _ in Response(status: .ok, body: Self.body(["a", "b"], contentLength: nil, flag: flag)) }
        router.get("empty") { _, _ in Response(status: .noContent, body: Self.body([], contentLength: 0, flag: flag)) }

        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/small", method: .get) { response in
                #expect(response.headers[.probe] == "buffered")
                #expect(String(buffer: response.body) == "hello" && response.headers[.contentLength] == "5")
            }
            try await client.execute(uri: "/limit", method: .get) { response in
                #expect(response.headers[.probe] == "buffered")
                #expect(response.body.readableBytes == 1024 && response.headers[.contentLength] == "1024")
            }
            try await client.execute(uri: "/large", method: .get) { response in
                #expect(response.headers[.probe] == "streamed")
                #expect(response.body.readableBytes == large.utf8.count)
            }
            try await client.execute(uri: "/unsized", method: .get) { response in
                #expect(response.headers[.probe] == "streamed")
                #expect(String(buffer: response.body) == "ab")
            }
            try await client.execute(uri: "/empty", method: .get) { response in
                #expect(response.headers[.probe] == "buffered")
                #expect(response.status == .noContent && response.body.readableBytes == 0)
            }
        }
    }

    struct BodyFailed: Error {}

    @Test("a body that fails while it is buffered is answered with a problem, before anything was sent")
    func failingBodyBecomesAProblem() async throws {
        let router = Router()
        router.add(middleware: BufferedResponseMiddleware())
        router.get("fails") { _, _ in
            Response(status: .ok, body: ResponseBody(contentLength: 5) { writer in
                try await writer.write(ByteBuffer(string: "he"))
                throw BodyFailed()
            })
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/fails", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains(#""status":500"#))
            }
        }
    }
}

extension HTTPField.Name {
    fileprivate static let probe = Self("X-Probe")!
}
