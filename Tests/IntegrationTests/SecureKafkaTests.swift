import Foundation
import KuzzleStandIn
import RdKafka
import Testing

/// The listeners of `scripts/brokers/securefront.py` (started by `scripts/brokers.sh start`), in front of tansu.
struct SecureListeners {
    let directory: String
    let user: String
    let password: String
    let passwordFile: String
    let tls: String
    let mutualTLS: String
    let saslPlaintext: String
    let saslSSL: String
    let wrongSAN: String
    /// tansu's plaintext listener (behind tagshim): where the test produces and reads dead letters.
    let plaintext: String

    /// Reads `KB_SECURE_*` and `KB_TANSU_BOOTSTRAP`; fails (never skips) when they are missing.
    static func fromEnvironment(sourceLocation: SourceLocation = #_sourceLocation) throws -> SecureListeners {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) throws -> String {
            let text = environment[name] ?? ""
            try #require(
                !text.isEmpty,
                "\(name) is not set: run `bash scripts/brokers.sh start; set -a; . .run/brokers.env; set +a` first",
                sourceLocation: sourceLocation
            )
            return text
        }
        let passwordFile = try value("KB_SECURE_PASSWORD_FILE")
        return SecureListeners(
            directory: try value("KB_SECURE_DIR"),
            user: try value("KB_SECURE_USER"),
            password: try String(contentsOfFile: passwordFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines),
            passwordFile: passwordFile,
            tls: try value("KB_SECURE_TLS_BOOTSTRAP"),
            mutualTLS: try value("KB_SECURE_MTLS_BOOTSTRAP"),
            saslPlaintext: try value("KB_SECURE_SASL_PLAINTEXT_BOOTSTRAP"),
            saslSSL: try value("KB_SECURE_SASL_SSL_BOOTSTRAP"),
            wrongSAN: try value("KB_SECURE_WRONG_SAN_BOOTSTRAP"),
            plaintext: try value("KB_TANSU_BOOTSTRAP")
        )
    }

    func file(_ name: String) -> String { "\(directory)/\(name)" }
}

extension IntegrationTests {
    /// The real daemon through TLS, mutual TLS and SASL listeners: consumes and dead-letters through each, and
    /// refuses each misconfiguration with an error naming its cause.
    @Suite("Secure Kafka", .serialized)
    struct SecureKafkaTests {
        /// One secure setup: where the daemon connects and the `kafka:` lines it needs.
        struct Case: CustomTestStringConvertible, Sendable {
            var label: String
            var bootstrap: @Sendable (SecureListeners) -> String
            var kafkaLines: @Sendable (SecureListeners) -> [String]
            var testDescription: String { label }
        }

        static let successCases: [Case] = [
            Case(label: "TLS", bootstrap: \.tls) { s in
                ["  security:", "    protocol: ssl", "  tls:", "    ca_file: \(s.file("ca.pem"))"]
            },
            Case(label: "mutual TLS (encrypted key)", bootstrap: \.mutualTLS) { s in
                [
                    "  security:", "    protocol: ssl", "  tls:", "    ca_file: \(s.file("ca.pem"))",
                    "    certificate_file: \(s.file("client.pem"))",
                    "    key_file: \(s.file("client-encrypted.key"))",
                    "    key_password_file: \(s.file("client-key-password"))",
                ]
            },
            Case(label: "SASL_PLAINTEXT PLAIN", bootstrap: \.saslPlaintext) { s in
                sasl(s, protocol: "sasl_plaintext", mechanism: "PLAIN", tls: false)
            },
            Case(label: "SASL_SSL PLAIN", bootstrap: \.saslSSL) { s in
                sasl(s, protocol: "sasl_ssl", mechanism: "PLAIN", tls: true)
            },
            Case(label: "SASL_SSL SCRAM-SHA-256", bootstrap: \.saslSSL) { s in
                sasl(s, protocol: "sasl_ssl", mechanism: "SCRAM-SHA-256", tls: true)
            },
            Case(label: "SASL_SSL SCRAM-SHA-512", bootstrap: \.saslSSL) { s in
                sasl(s, protocol: "sasl_ssl", mechanism: "SCRAM-SHA-512", tls: true)
            },
        ]

        static func sasl(
            _ s: SecureListeners,
            protocol: String,
            mechanism: String,
            tls: Bool,
            password: String? = nil
        )
            -> [String]
        {
            var lines = ["  security:", "    protocol: \(`protocol`)"]
            if tls { lines += ["  tls:", "    ca_file: \(s.file("ca.pem"))"] }
            lines += ["  sasl:", "    mechanism: \(mechanism)", "    username: \(s.user)"]
            if let password {
                lines += ["    password: \(password)"]
            } else {
                lines += ["    password_file: \(s.passwordFile)"]
            }
            return lines
        }

        @Test("Consumes 1,000 events and dead-letters a poison event", .timeLimit(.minutes(2)), arguments: successCases)
        func consumesAndDeadLetters(_ setup: Case) async throws {
            let listeners = try SecureListeners.fromEnvironment()
            let names = ScenarioNames("secure")
            var generator = TestEventGenerator(
                seed: 0x5EC0_0001,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 400
            )
            let events = generator.next(1000)
            let poison = PoisonEvent(kind: .invalidJSON, index: names.index, collection: "orders", id: "poison-1")
            let producer = try TestProducer(bootstrap: listeners.plaintext, topic: names.topic)
            let deliveries = try await producer.send(events.map(\.message) + [poison.message])
            await producer.close()
            let ends = highWatermarks(of: deliveries)

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = names.configuration(
                    bootstrap: setup.bootstrap(listeners),
                    kuzzleURL: server.baseURL,
                    deadLetters: true
                )
                configuration.extraKafkaLines = setup.kafkaLines(listeners)
                let daemon = try DaemonProcess(name: "secure", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: listeners.plaintext, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(60))
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: generator.model.documents)
                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()
                let letters = try await DeadLetterReader.read(
                    topic: names.deadLetterTopic,
                    bootstrap: listeners.plaintext,
                    expected: 1,
                    settle: .milliseconds(500)
                )
                #expect(letters.map(\.value) == [poison.value], "\(letters.count) dead letters\n\(daemon.tail())")
                #expect(!daemon.log(from: 0).contains(listeners.password), "the SASL password reached the log")
                let letterText = letters.map { letter in
                    ([letter.value ?? []] + letter.headers.map { $0.value ?? [] })
                        .map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
                }
                #expect(!letterText.contains { $0.contains(listeners.password) }, "a dead letter holds the password")
            }
        }

        /// One refused setup: the `kafka:` lines and what its error line must name.
        struct Refusal: CustomTestStringConvertible, Sendable {
            var label: String
            var bootstrap: @Sendable (SecureListeners) -> String
            var kafkaLines: @Sendable (SecureListeners) -> [String]
            /// Texts of which one must appear in an error-level line.
            var cause: [String]
            /// librdkafka reports this cause at info level and as a retriable `_TRANSPORT` error, which the daemon
            /// logs as a warning until the pipeline passes its Kafka events to `KafkaConnectionHealth` (see
            /// `Sources/KuzzleBridge/Operations/KafkaConnectionHealth.swift`).
            var errorLineAwaitsPipeline = false
            var testDescription: String { label }
        }

        static let wrongPassword = "wrong-\(UUID().uuidString.prefix(8))"

        static let refusals: [Refusal] = [
            Refusal(
                label: "another CA",
                bootstrap: \.tls,
                kafkaLines: { s in
                    ["  security:", "    protocol: ssl", "  tls:", "    ca_file: \(s.file("other-ca.pem"))"]
                },
                cause: ["certificate verify failed"]
            ),
            Refusal(
                label: "a certificate for another host name",
                bootstrap: \.wrongSAN,
                kafkaLines: { s in
                    ["  security:", "    protocol: ssl", "  tls:", "    ca_file: \(s.file("ca.pem"))"]
                },
                cause: ["certificate verify failed"]
            ),
            Refusal(
                label: "no client certificate for a mutual-TLS listener",
                bootstrap: \.mutualTLS,
                kafkaLines: { s in
                    ["  security:", "    protocol: ssl", "  tls:", "    ca_file: \(s.file("ca.pem"))"]
                },
                cause: ["certificate required", "alert"]
            ),
            Refusal(
                label: "a wrong SASL password",
                bootstrap: \.saslSSL,
                kafkaLines: { s in
                    sasl(s, protocol: "sasl_ssl", mechanism: "SCRAM-SHA-256", tls: true, password: wrongPassword)
                },
                cause: ["Authentication failed", "SASL authentication error"]
            ),
            Refusal(
                label: "a plaintext client against the TLS listener",
                bootstrap: \.tls,
                kafkaLines: { _ in [] },
                cause: ["security.protocol"],
                errorLineAwaitsPipeline: true
            ),
        ]

        @Test("Refuses and logs an error naming the cause", .timeLimit(.minutes(1)), arguments: refusals)
        func refuses(_ refusal: Refusal) async throws {
            let listeners = try SecureListeners.fromEnvironment()
            let names = ScenarioNames("refused")
            var generator = TestEventGenerator(
                seed: 0x5EC0_0002,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 10
            )
            let producer = try TestProducer(bootstrap: listeners.plaintext, topic: names.topic)
            _ = try await producer.send(generator.next(20).map(\.message))
            await producer.close()
            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = names.configuration(
                    bootstrap: refusal.bootstrap(listeners),
                    kuzzleURL: server.baseURL,
                    deadLetters: true
                )
                configuration.extraKafkaLines = refusal.kafkaLines(listeners)
                let daemon = try DaemonProcess(name: "refused", configuration: configuration)
                try daemon.start()
                func namesTheCause(atLevels levels: [String]) -> Bool {
                    daemon.log(from: 0).split(separator: "\n").contains { line in
                        levels.contains { line.contains("level=\($0)") } && refusal.cause.contains { line.contains($0) }
                    }
                }
                if refusal.errorLineAwaitsPipeline {
                    let named = await IntegrationEnvironment.eventually(timeout: .seconds(20)) {
                        namesTheCause(atLevels: ["warning", "error"])
                    }
                    #expect(named, "no warning naming \(refusal.cause)\n\(daemon.tail())")
                    let errorLine = await IntegrationEnvironment.eventually(timeout: .seconds(20)) {
                        namesTheCause(atLevels: ["error"])
                    }
                    #expect(errorLine, "no error line naming \(refusal.cause)\n\(daemon.tail())")
                } else {
                    let named = await IntegrationEnvironment.eventually(timeout: .seconds(20)) {
                        namesTheCause(atLevels: ["error"])
                    }
                    #expect(named, "no error line naming \(refusal.cause)\n\(daemon.tail())")
                }
                let documents = try StandInHelpers.documents(
                    of: server,
                    index: names.index,
                    collections: names.collections
                )
                #expect(documents.isEmpty, "\(documents.count) documents written")
                await ScenarioChecks.expectCleanStop(daemon)
                #expect(!daemon.log(from: 0).contains(Self.wrongPassword), "a password reached the log")
                #expect(!daemon.log(from: 0).contains(listeners.password), "a password reached the log")
            }
        }

        @Test("A wrong host name is accepted with verify_hostname: false (unsafe)", .timeLimit(.minutes(2)))
        func hostNameVerificationCanBeTurnedOff() async throws {
            let listeners = try SecureListeners.fromEnvironment()
            let names = ScenarioNames("nohost")
            var generator = TestEventGenerator(
                seed: 0x5EC0_0003,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 10
            )
            let producer = try TestProducer(bootstrap: listeners.plaintext, topic: names.topic)
            let deliveries = try await producer.send(generator.next(50).map(\.message))
            await producer.close()
            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = names.configuration(
                    bootstrap: listeners.wrongSAN,
                    kuzzleURL: server.baseURL,
                    deadLetters: false
                )
                configuration.extraKafkaLines = [
                    "  security:", "    protocol: ssl", "  tls:", "    ca_file: \(listeners.file("ca.pem"))",
                    "    verify_hostname: false",
                ]
                let daemon = try DaemonProcess(name: "nohost", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: listeners.plaintext, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(
                    probe,
                    highWatermarks(of: deliveries),
                    daemon: daemon,
                    timeout: .seconds(60)
                )
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: generator.model.documents)
                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()
            }
        }
    }
}
