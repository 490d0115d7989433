import IncentiveStore
import NIOCore

extension JSONWriter {
    /// The finished text in a `ByteBuffer`, for a response body.
    consuming func finish(allocator: ByteBufferAllocator) -> ByteBuffer {
        withBytes { bytes in
            var buffer = allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            return buffer
        }
    }
}
