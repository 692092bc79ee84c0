import Foundation
import KuzzleStandIn
import Testing

#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A canary secret planted in every secret-bearing key must never come out of the daemon: not in the startup line,
/// `check-config`, `check-config --probe`, a YAML syntax error, a librdkafka configuration error, nor `/metrics`.
@Suite(.serialized) struct SecretCanaryTests {
    static let canary = "CANARY-7f3a9c1e5b"

    /// librdkafka properties holding the canary (secret-bearing names that librdkafka 2.0.2 accepts), as YAML lines
    /// under `properties:`.
    static let secretProperties = ["sasl.password", "ssl.key.password", "ssl.keystore.password"]

    private func config(bootstrap: String, kuzzleURL: String, topic: String, healthPort: Int) throws -> String {
        let properties = Self.secretProperties.map { "    \($0): \(Self.canary)\n" }.joined()
        return try writeDaemonConfig(
            bootstrap: bootstrap,
            kuzzleURL: kuzzleURL,
            topic: topic,
            group: uniqueName("kb-canary"),
            extra: """
                health:
                  listen: 127.0.0.1:\(healthPort)
                dead_letter:
                  properties:
                    sasl.password: \(Self.canary)
                    ssl.key.password: \(Self.canary)

                """
        ).appendingKafkaProperties(properties, kuzzlePassword: Self.canary)
    }

    private func get(_ port: Int, _ path: String) async throws -> String {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, _) = try await URLSession.shared.data(from: url)
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.timeLimit(.minutes(2)))
    func theStartupLineCheckConfigTheProbeAndMetricsNeverShowASecret() async throws {
        let bootstrap = try mockBootstrap()
        let standIn = try await StandInServer.start(
            StandInConfiguration(authentication: .init(allowsAnonymous: false, users: ["bridge": Self.canary]))
        )
        let topic = uniqueName("kb-canary")
        try await produce([#"{"_id":"x","body":{}}"#], to: topic, bootstrap: bootstrap)
        let port = try Self.freePort()
        let path = try config(bootstrap: bootstrap, kuzzleURL: standIn.baseURL, topic: topic, healthPort: port)

        let daemon = try DaemonProcess(["run", "--config", path])
        let listening = await eventually(timeout: .seconds(20)) { daemon.text.contains("Health endpoint listening") }
        #expect(listening, "\(daemon.text)")
        #expect(await eventually(timeout: .seconds(20)) { daemon.text.contains("kuzzle.password=") }, "\(daemon.text)")
        let metrics = try await get(port, "/metrics")
        await daemon.stop()
        #expect(!metrics.contains(Self.canary), "/metrics:\n\(metrics)")
        #expect(!daemon.text.contains(Self.canary), "run:\n\(daemon.text)")

        let check = try DaemonProcess(["check-config", "--config", path])
        #expect(await check.waitForExit(timeout: .seconds(20)) == 0, "\(check.text)")
        #expect(!check.text.contains(Self.canary), "check-config:\n\(check.text)")

        let probe = try DaemonProcess(["check-config", "--config", path, "--probe"])
        _ = await probe.waitForExit(timeout: .seconds(40))
        #expect(probe.text.contains("kafka brokers"), "\(probe.text)")
        #expect(!probe.text.contains(Self.canary), "check-config --probe:\n\(probe.text)")
        try await standIn.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func aYAMLSyntaxErrorNamesTheLineWithoutItsText() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kb-canary-\(UUID()).yaml").path
        try "kafka:\n  topics: [t]\n  properties:\n    sasl.password: \(Self.canary): oops\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        for arguments in [["check-config", "--config", path], ["run", "--config", path]] {
            let process = try DaemonProcess(arguments)
            #expect(await process.waitForExit(timeout: .seconds(20)) == 78, "\(process.text)")
            #expect(process.text.contains("line 4"), "\(arguments[0]):\n\(process.text)")
            #expect(!process.text.contains(Self.canary), "\(arguments[0]):\n\(process.text)")
        }
    }

    /// librdkafka's own message for a rejected value quotes the value: the daemon must not pass it on. The canary sits
    /// in `sasl.oauthbearer.client.secret` (Debian's librdkafka 2.0.2 is built without OIDC support and rejects it,
    /// quoting the value), in a key librdkafka does not know (`sasl.jaas.config`, a Java client setting) and, in a
    /// second file, as the value of a numeric property; the second file's startup summary legitimately shows that
    /// non-secret key's value, so only the lines after it are searched there.
    @Test(.timeLimit(.minutes(2)))
    func aValueLibrdkafkaRejectsIsNotEchoed() async throws {
        let standIn = try await StandInServer.start(StandInConfiguration())
        defer { Task { try? await standIn.shutdown() } }
        let secretLines = [
            "sasl.oauthbearer.client.secret": "    sasl.oauthbearer.client.secret: \(Self.canary)\n",
            "sasl.jaas.config": "    sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required username=\"u\" password=\"\(Self.canary)\";\n",
        ]
        for (key, line) in secretLines {
            let path = try writeDaemonConfig(
                bootstrap: "127.0.0.1:1",
                kuzzleURL: standIn.baseURL,
                topic: "t",
                group: "g"
            ).appendingKafkaProperties(line, kuzzlePassword: nil)
            let run = try DaemonProcess(["run", "--config", path])
            #expect(await run.waitForExit(timeout: .seconds(20)) != 0, "\(run.text)")
            #expect(run.text.contains("\(key): librdkafka"), "\(run.text)")
            #expect(!run.text.contains(Self.canary), "run:\n\(run.text)")
            let probe = try DaemonProcess(["check-config", "--config", path, "--probe"])
            #expect(await probe.waitForExit(timeout: .seconds(40)) != 0, "\(probe.text)")
            #expect(!probe.text.contains(Self.canary), "--probe:\n\(probe.text)")
        }

        let badValue = try writeDaemonConfig(
            bootstrap: "127.0.0.1:1",
            kuzzleURL: standIn.baseURL,
            topic: "t",
            group: "g"
        ).appendingKafkaProperties("    fetch.wait.max.ms: \(Self.canary)\n", kuzzlePassword: nil)
        for arguments in [["run", "--config", badValue], ["check-config", "--config", badValue, "--probe"]] {
            let process = try DaemonProcess(arguments)
            #expect(await process.waitForExit(timeout: .seconds(40)) != 0, "\(process.text)")
            let afterSummary = process.text.split(separator: "\n").filter {
                !$0.contains("starting kuzzle-bridge") && !$0.hasPrefix("configuration is valid")
            }
            #expect(afterSummary.contains { $0.contains("fetch.wait.max.ms") }, "\(process.text)")
            #expect(!afterSummary.contains { $0.contains(Self.canary) }, "\(arguments[0]):\n\(process.text)")
        }
    }

    /// A TCP port free on 127.0.0.1 right now (bound to port 0, read back, closed).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension String {
    /// Rewrites the daemon configuration file at this path: adds `kafka.properties` lines under `kafka:` and, when
    /// given, a Kuzzle login whose password is `kuzzlePassword`. Returns the path.
    func appendingKafkaProperties(_ propertyLines: String, kuzzlePassword: String?) throws -> String {
        var text = try String(contentsOfFile: self, encoding: .utf8)
        text = text.replacingOccurrences(of: "kafka:\n", with: "kafka:\n  properties:\n\(propertyLines)")
        if let kuzzlePassword {
            text = text.replacingOccurrences(
                of: "kuzzle:\n",
                with: "kuzzle:\n  username: bridge\n  password: \(kuzzlePassword)\n"
            )
        }
        try text.write(toFile: self, atomically: true, encoding: .utf8)
        return self
    }
}
