import HTTPTypes
import Hummingbird
import NIOCore

/// Turns a response body of known, bounded length into one buffer before it is written.
///
/// Hummingbird writes a single-buffer body together with its head in one flush, but a body given
/// as a closure (every OpenAPI response, and every response once `MetricsMiddleware` has added its
/// post-write closure) part by part, each part flushed: two TLS records and two `write` calls per
/// response, each waking the client. Running the closure here, before the write, gives one of each.
/// A post-write closure therefore runs when the body is complete rather than when it left (so the
/// request duration in the metrics leaves out the socket write), and a body that fails is answered
/// with a problem before anything was sent, instead of a connection cut mid-response.
struct BufferedResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Larger or unsized bodies keep streaming.
    let maximumBytes: Int

    init(maximumBytes: Int = 256 * 1024) {
        self.maximumBytes = maximumBytes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard let length = response.body.contentLength, length <= maximumBytes else { return response }
        let collector = BodyCollector()
        do {
            try await response.body.write(collector)
        } catch {
            return ProblemMiddleware<Context>.response(for: error, logger: context.logger)
        }
        response.body = collector.buffer.readableBytes == 0 ? ResponseBody() : ResponseBody(byteBuffer: collector.buffer)
        return response
    }
}

/// Gathers the parts a response body writes. Trailing headers are dropped: a body of known length
/// goes out with `Content-Length`, which carries no trailers.
private final class BodyCollector: ResponseBodyWriter {
    private(set) var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        if buffer.readableBytes == 0 {
            buffer = part
        } else {
            buffer.writeImmutableBuffer(part)
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
