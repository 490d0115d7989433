import AsyncHTTPClient
import Foundation
import IncentiveAPI
import NIOCore
import NIOSSL
import OpenSSLTLS
import Testing

/// The OpenSSL TLS layer against AsyncHTTPClient's BoringSSL over real sockets.
@Suite("HTTPS interop with AsyncHTTPClient (BoringSSL)")
struct TLSInteropTests {
    static let tenMegabytes = 10 * 1024 * 1024

    @Test("GET /healthz with security headers", arguments: [TLSVersion.tlsv12, .tlsv13])
    func health(version: TLSVersion) async throws {
        try await LiveServer.with { server in
            try await server.makeClient(tlsVersion: version).closing { client in
                let response = try await client.execute(HTTPClientRequest(url: server.baseURL + "/healthz"), timeout: .seconds(30))
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "Strict-Transport-Security") == "max-age=300")
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                let body = try await response.body.collect(upTo: 1024)
                #expect(String(buffer: body) == #"{"status":"ok"}"#)

                let missing = try await client.execute(HTTPClientRequest(url: server.baseURL + "/no-such-path"), timeout: .seconds(30))
                #expect(missing.status == .notFound)
                #expect(missing.headers.first(name: "X-Content-Type-Options") == "nosniff")
            }
        }
    }

    @Test("a 10 MB request body is echoed back intact", arguments: [TLSVersion.tlsv12, .tlsv13])
    func largeRequestBody(version: TLSVersion) async throws {
        try await LiveServer.with { server in
            try await server.makeClient(tlsVersion: version).closing { client in
                var payload = ByteBuffer()
                payload.writeBytes((0..<Self.tenMegabytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) })
                var request = HTTPClientRequest(url: server.baseURL + "/_test/echo")
                request.method = .POST
                request.body = .bytes(payload)
                let response = try await client.execute(request, timeout: .seconds(120))
                #expect(response.status == .ok)
                let echoed = try await response.body.collect(upTo: Self.tenMegabytes + 1)
                #expect(echoed == payload)
            }
        }
    }

    @Test("a 10 MB response body arrives intact", arguments: [TLSVersion.tlsv12, .tlsv13])
    func largeResponseBody(version: TLSVersion) async throws {
        try await LiveServer.with { server in
            try await server.makeClient(tlsVersion: version).closing { client in
                let response = try await client.execute(
                    HTTPClientRequest(url: server.baseURL + "/_test/bytes/\(Self.tenMegabytes)"), timeout: .seconds(120))
                #expect(response.status == .ok)
                let body = try await response.body.collect(upTo: Self.tenMegabytes + 1)
                #expect(body.readableBytes == Self.tenMegabytes)
                #expect(body.readableBytesView.allSatisfy { $0 == UInt8(ascii: "x") })
            }
        }
    }

    @Test("200 concurrent keep-alive connections, each reused for a second round")
    func concurrentKeepAlive() async throws {
        try await LiveServer.with { server in
            try await server.makeClient(connectionLimit: 200).closing { client in
                for round in 1...2 {
                    let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                        for _ in 0..<200 {
                            group.addTask {
                                var request = HTTPClientRequest(url: server.baseURL + "/_test/echo")
                                request.method = .POST
                                request.body = .bytes(ByteBuffer(repeating: 7, count: 32 * 1024))
                                let response = try await client.execute(request, timeout: .seconds(120))
                                _ = try await response.body.collect(upTo: 64 * 1024)
                                return response.status.code
                            }
                        }
                        return try await group.reduce(into: [UInt]()) { $0.append($1) }
                    }
                    print("round \(round): \(statuses.count) responses")
                    #expect(statuses.count == 200 && statuses.allSatisfy { $0 == 200 })
                }
            }
        }
    }

    @Test("no OpenSSL session outlives its connection across 10,000 connections")
    func noLeakAcrossConnections() async throws {
        try await LiveServer.withBareServer { server, context in
            let started = ContinuousClock.now
            try await server.makeClient(connectionLimit: 8).closing { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            for _ in stride(from: worker, to: 10_000, by: 8) {
                                var request = HTTPClientRequest(url: server.baseURL + "/healthz")
                                request.headers.add(name: "Connection", value: "close")
                                let response = try await client.execute(request, timeout: .seconds(30))
                                guard response.status == .ok else { throw HTTPClientError.invalidURL }
                                _ = try await response.body.collect(upTo: 1024)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Closing is asynchronous on the server side: give it a generous moment.
            var live = context.liveSessionCount
            for _ in 0..<100 where live > 0 {
                try await Task.sleep(for: .milliseconds(100))
                live = context.liveSessionCount
            }
            print("10,000 connections in \(ContinuousClock.now - started); live OpenSSL sessions afterwards: \(live)")
            #expect(live == 0)
        }
    }
}
