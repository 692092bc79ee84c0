import AsyncHTTPClient
import Foundation
import KuzzleStandIn
import NIOHTTP1
import NIOSSL
import Testing

@Suite("Transport: request size, compression, Connection: close, TLS")
struct TransportTests {
    private func smallLimit(_ bytes: Int) -> StandInConfiguration {
        StandInConfiguration(maxRequestSize: bytes, collections: [.init(index: "shop", collection: "orders")])
    }

    @Test("A Content-Length above maxRequestSize is refused with a bare 413 before the body is read")
    func contentLengthTooLarge() async throws {
        try await withStandIn(smallLimit(1000)) { (server: StandInServer) async throws in
            let socket = try RawSocket(port: server.port)
            socket.send("POST /shop/orders/_mWrite HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n")
            let (answer, closed) = socket.readUntilClosed()
            #expect(answer.hasPrefix("HTTP/1.1 413"))
            #expect(answer.contains(#"{"code":50397185,"id":"network.http.request_too_large","message":"Maximum HTTP request size exceeded.","props":[],"status":413}"#))
            #expect(!answer.contains("X-Kuzzle-Request-Id"))
            #expect(closed)
            #expect(server.counters.requests.isEmpty)
        }
    }

    @Test("A body just above the limit is refused even through a client, nothing is written")
    func bodyTooLargeThroughClient() async throws {
        try await withStandIn(smallLimit(2000)) { (server: StandInServer) async throws in
            let response = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 30))
            #expect(response.status == 413)
            #expect(response.json["id"] as? String == "network.http.request_too_large")
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test("The limit applies to the gzip-compressed bytes: a large compressible body passes, a dense one does not")
    func gzipSizeIsTheReceivedSize() async throws {
        try await withStandIn(smallLimit(4000)) { (server: StandInServer) async throws in
            let plain = Array(mWriteBody(count: 200, size: 200).utf8)
            #expect(plain.count > 40_000)
            let compressed = try gzip(plain)
            #expect(compressed.count < 4000)
            let accepted = try await server.send(
                .POST,
                "/shop/orders/_mWrite",
                body: compressed,
                headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
            )
            #expect(accepted.status == 200)
            #expect(server.documents(index: "shop", collection: "orders").count == 200)
            let dense = (0..<12_000).map { _ in UInt8.random(in: 0x61...0x7A) }
            let denseBody = Array(#"{"documents":[{"_id":"r","body":{"r":""#.utf8) + dense + Array(#""}}]}"#.utf8)
            let refused = try await server.send(
                .POST,
                "/shop/orders/_mWrite",
                body: try gzip(denseBody),
                headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
            )
            #expect(refused.status == 413)
            #expect(server.documents(index: "shop", collection: "orders").keys.contains("r") == false)
        }
    }

    @Test("An unknown Content-Encoding is a bare 400 unsupported_compression")
    func unknownEncoding() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let response = try await server.send(
                .POST,
                "/shop/orders/_mWrite",
                json: mWriteBody(count: 1),
                headers: [("Content-Encoding", "br")]
            )
            #expect(response.status == 400)
            #expect(response.json["id"] as? String == "network.http.unsupported_compression")
        }
    }

    @Test("With connectionClose every routed answer says Connection: close and the server closes the socket")
    func connectionCloseByDefault() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let socket = try RawSocket(port: server.port)
            socket.send("GET /_now HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
            let (answer, closed) = socket.readUntilClosed()
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(answer.lowercased().contains("connection: close"))
            #expect(closed)
        }
    }

    @Test("With keep-alive configured the connection serves two requests")
    func keepAliveWhenConfigured() async throws {
        var configuration = StandInConfiguration()
        configuration.connectionClose = false
        try await withStandIn(configuration) { (server: StandInServer) async throws in
            let socket = try RawSocket(port: server.port)
            socket.send("GET /_now HTTP/1.1\r\nHost: x\r\n\r\nGET /_now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let (answer, closed) = socket.readUntilClosed()
            #expect(answer.components(separatedBy: "HTTP/1.1 200").count == 3)
            #expect(closed)
        }
    }

    @Test("TLS with a self-signed certificate serves the same API")
    func tlsSelfSigned() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("standin-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        _ = try runTool(
            "/usr/bin/openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                "-subj", "/CN=localhost"]
        )
        var configuration = StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        configuration.tls = .init(certificatePath: certificate, privateKeyPath: key)
        try await withStandIn(configuration) { (server: StandInServer) async throws in
            #expect(server.baseURL.hasPrefix("https://"))
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.tlsConfiguration = .makeClientConfiguration()
            clientConfiguration.tlsConfiguration?.certificateVerification = .none
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            do {
                let response = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 2), client: client)
                #expect(response.status == 200)
                #expect(server.documents(index: "shop", collection: "orders").count == 2)
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }
}
