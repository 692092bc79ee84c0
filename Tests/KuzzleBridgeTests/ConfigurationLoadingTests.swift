import BridgeCore
import Foundation
import Logging
import Testing

@testable import KuzzleBridge

@Suite struct ConfigurationLoadingTests {
    @Test func aFileWithOnlyTopicsTakesEveryDocumentedDefault() throws {
        let configuration = try loadConfiguration(minimalYAML())
        let expected = BridgeConfiguration(kafka: KafkaSettings(topics: ["orders"]))
        #expect(configuration == expected)
        #expect(configuration.kafka.bootstrapServers == ["127.0.0.1:9092"])
        #expect(configuration.kafka.groupID == "kuzzle-bridge")
        #expect(configuration.kafka.assignmentStrategy == .range)
        #expect(configuration.kafka.sessionTimeout == .seconds(45))
        #expect(configuration.kuzzle.url == "http://127.0.0.1:7512")
        #expect(configuration.kuzzle.credentials == .anonymous)
        #expect(configuration.kuzzle.maximumRequestSize == 1_048_576)
        #expect(
            configuration.batching
                == BatchLimits(maximumDocuments: 1000, maximumBytes: 921_600, maximumWait: .milliseconds(200))
        )
        #expect(configuration.writer == WriterSettings(route: .auto, concurrency: .adaptive, maximumConcurrency: 8))
        #expect(configuration.retry == RetrySchedule())
        #expect(configuration.deadLetter.topic == nil)
        #expect(configuration.backpressure == BackpressureSettings(maximumBufferedBytes: 25_165_824, resumeRatio: 0.5))
        #expect(configuration.logging == LoggingSettings(level: .info, format: .logfmt, statsInterval: .seconds(60)))
        #expect(configuration.shutdown.drainTimeout == .seconds(30))
        #expect(configuration.health.listen == nil)
        #expect(configuration.routing == ["orders": TopicRouting()])
    }

    @Test func everyKeyIsReadIntoItsTypedSetting() throws {
        let yaml = """
            kafka:
              bootstrap_servers: "k1:9092, k2:9093"
              group_id: shop-bridge
              topics: [orders, users]
              assignment_strategy: cooperative-sticky
              session_timeout: 10s
              properties:
                fetch.max.bytes: 52428800
                check.crcs: true
                client.id: bridge-1
            kuzzle:
              url: https://kuzzle.example:7443/
              username: bridge
              password: s3cret
              request_timeout: 5s
              ca_file: /etc/ca.pem
              gzip: true
              max_request_size: 2MiB
              refresh: wait_for
              create_missing_collections: yes
            batching:
              max_documents: 500
              max_bytes: 1MiB
              max_wait: 1.5s
            writer:
              route: import
              concurrency: 8
              max_concurrency: 12
            retry:
              initial_backoff: 250ms
              max_backoff: 2m
              multiplier: 3
              jitter: 0.5
            dead_letter:
              topic: orders.dlq
              properties:
                linger.ms: 5
            backpressure:
              max_buffered_bytes: 16MiB
              resume_ratio: 0.25
            logging:
              level: debug
              format: json
              stats_interval: 0
              repeat_limit: 2
              repeat_interval: 10s
            shutdown:
              drain_timeout: 1m
            health:
              listen: "[::1]:9464"
            routing:
              topics:
                users:
                  format: raw
                  index: crm
                  collection: users
                orders:
                  index: shop
            """
        let sources = ConfigurationSources.testing(files: ["/etc/ca.pem": "-----BEGIN CERTIFICATE-----\nAAA\n"])
        let configuration = try loadConfiguration(yaml, sources: sources)
        let expected = BridgeConfiguration(
            kafka: KafkaSettings(
                bootstrapServers: ["k1:9092", "k2:9093"],
                groupID: "shop-bridge",
                topics: ["orders", "users"],
                assignmentStrategy: .cooperativeSticky,
                sessionTimeout: .seconds(10),
                properties: ["fetch.max.bytes": "52428800", "check.crcs": "true", "client.id": "bridge-1"]
            ),
            kuzzle: KuzzleSettings(
                url: "https://kuzzle.example:7443",
                credentials: .login(username: "bridge", password: "s3cret"),
                requestTimeout: .seconds(5),
                caFile: "/etc/ca.pem",
                gzip: true,
                maximumRequestSize: 2_097_152,
                refresh: .waitFor,
                createMissingCollections: true
            ),
            batching: BatchLimits(maximumDocuments: 500, maximumBytes: 1_048_576, maximumWait: .milliseconds(1500)),
            writer: WriterSettings(route: .import, concurrency: 8, maximumConcurrency: 12),
            retry: RetrySchedule(
                initialDelay: .milliseconds(250),
                maximumDelay: .seconds(120),
                multiplier: 3,
                jitter: 0.5
            ),
            deadLetter: DeadLetterSettings(topic: "orders.dlq", properties: ["linger.ms": "5"]),
            backpressure: BackpressureSettings(maximumBufferedBytes: 16 * 1_048_576, resumeRatio: 0.25),
            logging: LoggingSettings(
                level: .debug,
                format: .json,
                statsInterval: .zero,
                repeatLimit: 2,
                repeatInterval: .seconds(10)
            ),
            shutdown: ShutdownSettings(drainTimeout: .seconds(60)),
            health: HealthSettings(listen: .init(host: "::1", port: 9464)),
            routing: [
                "orders": TopicRouting(format: .envelope, defaultIndex: "shop"),
                "users": TopicRouting(format: .raw, defaultIndex: "crm", defaultCollection: "users"),
            ]
        )
        #expect(configuration == expected)
    }

    @Test func theRepositoryConfigFileValidatesAndEqualsTheEmbeddedDefault() throws {
        let path = repositoryRoot.appendingPathComponent("config.yaml").path
        let configuration = try BridgeConfiguration.load(path: path, sources: .filesOnly)
        #expect(configuration == BridgeConfiguration.default)
        #expect(configuration.kafka.bootstrapServers == ["127.0.0.1:9092"])
        #expect(configuration.kuzzle.url == "http://127.0.0.1:7512")
    }

    @Test func theRepositoryConfigFileDocumentsEveryKeyTheLoaderKnows() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("config.yaml"), encoding: .utf8)
        for path in ConfigurationFile.schema.knownPaths() {
            let leaf = path.split(separator: ".").last.map(String.init) ?? path
            #expect(text.contains("\(leaf):"), "config.yaml does not mention \(path)")
        }
    }

    @Test func bootstrapServersAndTopicsAcceptAListOrACommaSeparatedString() throws {
        let configuration = try loadConfiguration(
            "kafka:\n  bootstrap_servers: [a:1, b:2]\n  topics: \"orders, users\"\n"
        )
        #expect(configuration.kafka.bootstrapServers == ["a:1", "b:2"])
        #expect(configuration.kafka.bootstrapServersList == "a:1,b:2")
        #expect(configuration.kafka.topics == ["orders", "users"])
    }

    @Test func topicsWithoutRoutingEntriesGetTheEnvelopeRouting() throws {
        let configuration = try loadConfiguration(
            "kafka:\n  topics: [a, b]\nrouting:\n  topics:\n    a:\n      collection: things\n"
        )
        #expect(configuration.routing["a"] == TopicRouting(defaultCollection: "things"))
        #expect(configuration.routing["b"] == TopicRouting())
        #expect(configuration.routing(forTopic: "b") == TopicRouting())
    }

    @Test func anEmptySectionMeansDefaults() throws {
        let configuration = try loadConfiguration(minimalYAML("kuzzle:\nbatching:\n"))
        #expect(configuration.kuzzle == KuzzleSettings())
        #expect(configuration.batching == BatchLimits())
    }

    @Test func theRedactedSummaryMasksEverySecret() throws {
        let yaml = minimalYAML(
            """
            kuzzle:
              username: bridge
              password: hunter2-password
            """
        ).replacingOccurrences(
            of: "kafka:\n",
            with: "kafka:\n  properties: {sasl.password: kafka-secret, client.id: me}\n"
        )
        let configuration = try loadConfiguration(yaml)
        let summary = configuration.redactedDescription
        #expect(!summary.contains("hunter2-password"))
        #expect(!summary.contains("kafka-secret"))
        #expect(summary.contains("kuzzle.password=<redacted>"))
        #expect(summary.contains("kafka.properties.sasl.password=<redacted>"))
        #expect(summary.contains("kafka.properties.client.id=me"))
        #expect(summary.contains("kuzzle.username=bridge"))
        #expect(summary.contains("batching.max_bytes=900KiB"))
        #expect(configuration.summaryMetadata["kafka.topics"] == "orders")
    }

    @Test func theSummaryNamesEveryScalarKeyOfTheFile() throws {
        let configuration = try loadConfiguration(
            minimalYAML("kuzzle:\n  username: u\n  password: p\n  ca_file: /ca\n"),
            sources: .testing(files: ["/ca": "-----BEGIN CERTIFICATE-----\n"])
        )
        let summary = configuration.summaryMetadata
        let notSummarised: Set<String> = [
            "kafka.properties", "dead_letter.properties", "routing.topics", "kuzzle.api_key", "kuzzle.api_key_file",
            "kuzzle.password_file", "kafka.sasl.password_file", "kafka.tls.key_password_file",
        ]
        for path in ConfigurationFile.schema.knownPaths() where !notSummarised.contains(path) {
            #expect(summary[path] != nil, "the startup summary lacks \(path)")
        }
    }

    @Test func anAPIKeyIsMaskedInTheSummary() throws {
        let configuration = try loadConfiguration(minimalYAML("kuzzle:\n  api_key: kapikey-123\n"))
        #expect(configuration.kuzzle.credentials == .apiKey("kapikey-123"))
        #expect(!configuration.redactedDescription.contains("kapikey-123"))
        #expect(configuration.summaryMetadata["kuzzle.auth"] == "api_key")
    }

    @Test func writerConcurrencyIsAWholeNumberOrAdaptiveBoundedByMaxConcurrency() throws {
        let fixed = try loadConfiguration(minimalYAML("writer:\n  concurrency: 8\n"))
        #expect(fixed.writer.concurrency == .fixed(8))
        let adaptive = try loadConfiguration(minimalYAML("writer:\n  concurrency: Adaptive\n  max_concurrency: 32\n"))
        #expect(adaptive.writer == WriterSettings(route: .auto, concurrency: .adaptive, maximumConcurrency: 32))
        #expect(adaptive.writer.adaptiveParameters.maximum == 32)
        #expect(adaptive.writer.adaptiveParameters.initial == 4)
        #expect(adaptive.summaryMetadata["writer.concurrency"] == "adaptive")
        #expect(adaptive.summaryMetadata["writer.max_concurrency"] == "32")
        let small = try loadConfiguration(minimalYAML("writer:\n  concurrency: adaptive\n  max_concurrency: 2\n"))
        #expect(small.writer.adaptiveParameters.initial == 2)
        #expect(try loadConfiguration(minimalYAML()).writer.concurrency == .adaptive)
        #expect(try loadConfiguration(minimalYAML()).writer.maximumConcurrency == 8)
        #expect(try loadConfiguration(minimalYAML("writer:\n  concurrency: 4\n")).writer.concurrency == .fixed(4))
    }

    @Test func theLogLevelNamesAreThoseOfSwiftLog() throws {
        for level in Logger.Level.allCases {
            let configuration = try loadConfiguration(minimalYAML("logging:\n  level: \(level.rawValue)\n"))
            #expect(configuration.logging.level == level)
        }
    }
}
