import Foundation
import KuzzleBridge
import TestSupport
import Testing

/// Runs the built `kuzzle-bridge` executable as a subprocess.
@Suite(.serialized) struct DaemonCommandLineTests {
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The executable next to the test bundle (SwiftPM builds it with the tests).
    private func executableURL() throws -> URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("kuzzle-bridge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let fallback = repositoryRoot.appendingPathComponent(".build/debug/kuzzle-bridge")
        try #require(FileManager.default.isExecutableFile(atPath: fallback.path), "kuzzle-bridge was not built")
        return fallback
    }

    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = try executableURL()
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self)
        )
    }

    private func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kb-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func versionPrintsTheVersionLineAndExitsZero() throws {
        let outcome = try run(["--version"])
        #expect(outcome.status == 0)
        let line = outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line == BridgeVersion.versionLine())
        #expect(line.hasPrefix("kuzzle-bridge \(BridgeVersion.number) (librdkafka 2."), "\(line)")
        #expect(outcome.standardOutput.hasPrefix("kuzzle-bridge \(BridgeVersion.number)"))
    }

    @Test func checkConfigWithABadValueExits78NamingTheKey() throws {
        let path = try temporaryFile("kafka:\n  topics: [orders]\nbatching:\n  max_wait: soon\n")
        let outcome = try run(["check-config", "--config", path])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains("batching.max_wait"))
        #expect(outcome.standardError.contains("\"soon\""))
    }

    @Test func runWithAnUnknownKeyExits78NamingTheKey() throws {
        let path = try temporaryFile("kafka:\n  topics: [orders]\nbatching:\n  max_docs: 5\n")
        let outcome = try run(["run", "--config", path])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains("batching.max_docs: unknown key (did you mean batching.max_documents?)"))
    }

    @Test func theConfigPathComesFromTheEnvironmentWhenNotGiven() throws {
        let path = try temporaryFile("kafka:\n  topics: []\n")
        let outcome = try run(["check-config"], environment: ["KUZZLE_BRIDGE_CONFIG": path])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains(path))
        #expect(outcome.standardError.contains("kafka.topics"))
    }

    @Test func aMissingConfigFileExits78() throws {
        let outcome = try run(["check-config", "--config", "/nonexistent/kuzzle-bridge.yaml"])
        #expect(outcome.status == 78)
        #expect(outcome.standardError.contains("/nonexistent/kuzzle-bridge.yaml"))
    }

    @Test func checkConfigOfTheRepositoryFileExitsZeroWithSecretsMasked() throws {
        let path = repositoryRoot.appendingPathComponent("config.yaml").path
        let outcome = try run(
            ["check-config", "--config", path],
            environment: ["KUZZLE_BRIDGE_KUZZLE_API_KEY": "topsecret"]
        )
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("kafka.bootstrap_servers=127.0.0.1:9092"))
        #expect(outcome.standardOutput.contains("kuzzle.api_key=<redacted>"))
        #expect(!outcome.standardOutput.contains("topsecret"))
    }
}
