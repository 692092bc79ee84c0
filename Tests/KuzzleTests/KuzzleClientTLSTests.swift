import Foundation
import Kuzzle
import KuzzleStandIn
import Testing

@Suite(.timeLimit(.minutes(2))) struct KuzzleClientTLSTests {
    /// A self-signed certificate for 127.0.0.1 and its key, made by `openssl req -x509` in a fresh directory.
    struct SelfSigned {
        let directory: URL
        var certificate: String { directory.appendingPathComponent("cert.pem").path }
        var key: String { directory.appendingPathComponent("key.pem").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("kuzzle-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", directory.appendingPathComponent("key.pem").path,
                "-out", directory.appendingPathComponent("cert.pem").path,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl failed"])
            }
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func standIn(_ files: SelfSigned) -> StandInConfiguration {
        StandInConfiguration(
            tls: .init(certificatePath: files.certificate, privateKeyPath: files.key),
            collections: [.init(index: "shop", collection: "orders")]
        )
    }

    @Test func httpsWorksWhenTheCertificateIsTrustedThroughACAFile() async throws {
        let files = try SelfSigned()
        defer { files.remove() }
        try await withStandIn(Self.standIn(files), client: { $0.caFile = files.certificate }) { server, client in
            #expect(server.baseURL.hasPrefix("https://"))
            try await client.healthCheck()
            let result = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(20))
            #expect(result.writtenCount == 20)
            #expect(server.documents(index: "shop", collection: "orders").count == 20)
        }
    }

    @Test func httpsIsRefusedAsFatalWithoutTheCAFile() async throws {
        let files = try SelfSigned()
        defer { files.remove() }
        try await withStandIn(Self.standIn(files), client: { $0.requestTimeout = .seconds(2) }) { server, client in
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(1))
            }
            #expect(error?.kind == .fatal)
            #expect(error?.message.contains("TLS") == true)
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }
}
