import Foundation
import Testing
import Yams

/// `deploy/docker-compose.yml`: validated by `docker compose config` when the Docker client has the compose plugin,
/// and always checked for what the bridge's documentation relies on.
@Suite struct DeployComposeTests {
    private static let composePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/docker-compose.yml").path

    @Test func theComposeFileDeclaresKafkaKuzzleElasticsearchAndRedisOnLoopbackOnly() throws {
        let text = try String(contentsOfFile: Self.composePath, encoding: .utf8)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let services = try #require(root["services"] as? [String: Any])
        #expect(Set(services.keys) == ["kafka", "kuzzle", "elasticsearch", "redis"])
        for (name, service) in services {
            let ports = (service as? [String: Any])?["ports"] as? [String] ?? []
            for port in ports {
                #expect(port.hasPrefix("127.0.0.1:"), "\(name) publishes \(port) beyond loopback")
            }
        }
        let kafkaPorts = (services["kafka"] as? [String: Any])?["ports"] as? [String]
        let kuzzlePorts = (services["kuzzle"] as? [String: Any])?["ports"] as? [String]
        #expect(kafkaPorts == ["127.0.0.1:9092:9092"], "config.yaml's default kafka.bootstrap_servers")
        #expect(kuzzlePorts == ["127.0.0.1:7512:7512"], "config.yaml's default kuzzle.url")
    }

    /// Whether a Docker client with the compose plugin is installed (without it the test is reported as skipped).
    private static let hasDockerCompose = run(["docker", "compose", "version"]).status == 0

    @Test(.enabled(if: hasDockerCompose, "no docker client with the compose plugin here"))
    func dockerComposeAcceptsTheFileWhenTheClientIsPresent() throws {
        let result = Self.run(["docker", "compose", "-f", Self.composePath, "config", "--quiet"])
        #expect(result.status == 0, "\(result.output)")
    }

    private static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
