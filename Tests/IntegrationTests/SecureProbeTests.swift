import Foundation
import KuzzleStandIn
import Testing

extension IntegrationTests {
    /// `check-config --probe` tells a network failure from a TLS failure from an authentication failure.
    @Suite("Secure Kafka probe", .serialized)
    struct SecureProbeTests {
        struct Expectation: CustomTestStringConvertible, Sendable {
            var label: String
            var bootstrap: @Sendable (SecureListeners) -> String
            var kafkaLines: @Sendable (SecureListeners) -> [String]
            var verdict: String
            var testDescription: String { label }
        }

        static let expectations: [Expectation] = [
            Expectation(
                label: "another CA",
                bootstrap: \.tls,
                kafkaLines: { s in
                    ["  security:", "    protocol: ssl", "  tls:", "    ca_file: \(s.file("other-ca.pem"))"]
                },
                verdict: "FAIL kafka brokers (%BOOTSTRAP%): tls failure"
            ),
            Expectation(
                label: "a wrong password",
                bootstrap: \.saslSSL,
                kafkaLines: { s in
                    SecureKafkaTests.sasl(
                        s,
                        protocol: "sasl_ssl",
                        mechanism: "SCRAM-SHA-512",
                        tls: true,
                        password: "not-the-password"
                    )
                },
                verdict: "FAIL kafka brokers (%BOOTSTRAP%): authentication failure"
            ),
            Expectation(
                label: "no broker listening",
                bootstrap: { _ in "127.0.0.1:1" },
                kafkaLines: { _ in [] },
                verdict: "FAIL kafka brokers (127.0.0.1:1): network failure"
            ),
            Expectation(
                label: "SASL_SSL SCRAM-SHA-256 with the right password",
                bootstrap: \.saslSSL,
                kafkaLines: { s in
                    SecureKafkaTests.sasl(s, protocol: "sasl_ssl", mechanism: "SCRAM-SHA-256", tls: true)
                },
                verdict: "ok   kafka brokers (%BOOTSTRAP%)"
            ),
        ]

        @Test("The probe names the kind of failure", .timeLimit(.minutes(1)), arguments: expectations)
        func probeNamesTheFailure(_ expectation: Expectation) async throws {
            let listeners = try SecureListeners.fromEnvironment()
            let names = ScenarioNames("probe")
            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                let bootstrap = expectation.bootstrap(listeners)
                var configuration = names.configuration(
                    bootstrap: bootstrap,
                    kuzzleURL: server.baseURL,
                    deadLetters: false
                )
                configuration.extraKafkaLines = expectation.kafkaLines(listeners)
                let daemon = try DaemonProcess(name: "probe", configuration: configuration)
                let process = Process()
                process.executableURL = try IntegrationEnvironment.bridgeBinary()
                process.arguments = ["check-config", "--probe", "--config", daemon.configurationURL.path]
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                try process.run()
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                let verdict = expectation.verdict.replacingOccurrences(of: "%BOOTSTRAP%", with: bootstrap)
                #expect(output.contains(verdict), "expected \"\(verdict)\" in:\n\(output)")
                #expect(!output.contains(listeners.password), "the password was printed")
            }
        }
    }
}
