import Foundation

/// A TCP socket on 127.0.0.1 for the failure tests: a port known to be free, or a listener that
/// never accepts.
struct LoopbackSocket {
    struct Failed: Error { let call: String }

    let descriptor: Int32
    let port: Int

    /// A port the kernel just handed out and nobody listens on.
    static func unusedPort() throws -> Int {
        let socket = try bound()
        socket.release()
        return socket.port
    }

    /// Listening (the kernel completes handshakes) but never accepting.
    static func listening() throws -> LoopbackSocket {
        let socket = try bound()
        guard listen(socket.descriptor, 16) == 0 else { throw Failed(call: "listen") }
        return socket
    }

    func release() {
        _ = close(descriptor)
    }

    private static func bound() throws -> LoopbackSocket {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failed(call: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard ok else {
            _ = close(descriptor)
            throw Failed(call: "bind")
        }
        return LoopbackSocket(descriptor: descriptor, port: Int(UInt16(bigEndian: address.sin_port)))
    }
}
