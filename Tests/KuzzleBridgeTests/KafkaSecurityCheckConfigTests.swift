import Foundation
import Testing

/// `check-config` on the typed Kafka security keys: exit 78 naming the key, no secret printed.
@Suite struct KafkaSecurityCheckConfigTests {
    private func check(_ kafkaLines: String, environment: [String: String] = [:]) throws -> DaemonProcess {
        let path = try writeDaemonConfig(
            bootstrap: "127.0.0.1:1",
            kuzzleURL: "http://127.0.0.1:1",
            topic: "t",
            group: "g"
        )
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "kafka:\n", with: "kafka:\n" + kafkaLines)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try DaemonProcess(["check-config", "--config", path], environment: environment)
    }

    @Test(.timeLimit(.minutes(1)))
    func aMissingCertificateFileFailsWithExit78NamingTheKey() async throws {
        let process = try check("  security:\n    protocol: ssl\n  tls:\n    ca_file: /nonexistent/kafka-ca.pem\n")
        #expect(await process.waitForExit(timeout: .seconds(20)) == 78, "\(process.text)")
        #expect(process.text.contains("kafka.tls.ca_file"), "\(process.text)")
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnknownMechanismFailsWithExit78NamingTheKey() async throws {
        let process = try check(
            "  security:\n    protocol: sasl_ssl\n  sasl:\n    mechanism: SCRAM-SHA-1\n    username: u\n",
            environment: ["KUZZLE_BRIDGE_KAFKA_SASL_PASSWORD": "CANARY-env-5d1"]
        )
        #expect(await process.waitForExit(timeout: .seconds(20)) == 78, "\(process.text)")
        #expect(process.text.contains("kafka.sasl.mechanism"), "\(process.text)")
        #expect(!process.text.contains("CANARY-env-5d1"), "\(process.text)")
    }

    @Test(.timeLimit(.minutes(1)))
    func thePasswordFromTheEnvironmentIsMaskedInTheSummary() async throws {
        let process = try check(
            "  security:\n    protocol: sasl_ssl\n  sasl:\n    mechanism: PLAIN\n    username: u\n",
            environment: ["KUZZLE_BRIDGE_KAFKA_SASL_PASSWORD": "CANARY-env-5d2"]
        )
        #expect(await process.waitForExit(timeout: .seconds(20)) == 0, "\(process.text)")
        #expect(process.text.contains("kafka.sasl.password=<redacted>"), "\(process.text)")
        #expect(!process.text.contains("CANARY-env-5d2"), "\(process.text)")
    }
}
