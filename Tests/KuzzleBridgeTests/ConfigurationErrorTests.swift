import BridgeCore
import Foundation
import Testing

@testable import KuzzleBridge

/// One invalid configuration and the key and value its error must name.
struct InvalidCase: Sendable, CustomStringConvertible {
    let yaml: String
    let key: String
    let value: String

    init(_ extra: String, key: String, value: String) {
        self.yaml = minimalYAML(extra)
        self.key = key
        self.value = value
    }

    init(full yaml: String, key: String, value: String) {
        self.yaml = yaml
        self.key = key
        self.value = value
    }

    var description: String { key }
}

@Suite struct ConfigurationErrorTests {
    static let invalidValues: [InvalidCase] = [
        InvalidCase(
            full: "kafka:\n  topics: [orders]\n  bootstrap_servers: \"a b:1\"\n",
            key: "kafka.bootstrap_servers",
            value: "a b:1"
        ),
        InvalidCase(full: "kafka:\n  topics: [\"bad topic\"]\n", key: "kafka.topics", value: "bad topic"),
        InvalidCase(full: "kafka:\n  topics: [a, a]\n", key: "kafka.topics", value: "a"),
        InvalidCase(
            full: "kafka:\n  topics: [orders]\n  assignment_strategy: roundrobin\n",
            key: "kafka.assignment_strategy",
            value: "roundrobin"
        ),
        InvalidCase(
            full: "kafka:\n  topics: [orders]\n  session_timeout: 10\n",
            key: "kafka.session_timeout",
            value: "10"
        ),
        InvalidCase(
            full: "kafka:\n  topics: [orders]\n  session_timeout: 2h\n",
            key: "kafka.session_timeout",
            value: "2h"
        ),
        InvalidCase(
            full: "kafka:\n  topics: [orders]\n  properties:\n    enable.auto.commit: true\n",
            key: "kafka.properties.enable.auto.commit",
            value: "true"
        ),
        InvalidCase("kuzzle:\n  url: ftp://host\n", key: "kuzzle.url", value: "ftp://host"),
        InvalidCase("kuzzle:\n  url: http://user:pw@host\n", key: "kuzzle.url", value: "http://user:pw@host"),
        InvalidCase("kuzzle:\n  url: http://\n", key: "kuzzle.url", value: "http://"),
        InvalidCase("kuzzle:\n  request_timeout: soon\n", key: "kuzzle.request_timeout", value: "soon"),
        InvalidCase("kuzzle:\n  gzip: maybe\n", key: "kuzzle.gzip", value: "maybe"),
        InvalidCase("kuzzle:\n  max_request_size: 1TB\n", key: "kuzzle.max_request_size", value: "1TB"),
        InvalidCase("kuzzle:\n  refresh: true\n", key: "kuzzle.refresh", value: "true"),
        InvalidCase(
            "kuzzle:\n  create_missing_collections: 2\n",
            key: "kuzzle.create_missing_collections",
            value: "2"
        ),
        InvalidCase("batching:\n  max_documents: many\n", key: "batching.max_documents", value: "many"),
        InvalidCase("batching:\n  max_documents: 0\n", key: "batching.max_documents", value: "0"),
        InvalidCase("batching:\n  max_bytes: 2MiB\n", key: "batching.max_bytes", value: "2MiB"),
        InvalidCase("batching:\n  max_wait: 200\n", key: "batching.max_wait", value: "200"),
        InvalidCase("writer:\n  route: mwrite\n", key: "writer.route", value: "mwrite"),
        InvalidCase("writer:\n  concurrency: 0\n", key: "writer.concurrency", value: "0"),
        InvalidCase("writer:\n  concurrency: auto\n", key: "writer.concurrency", value: "auto"),
        InvalidCase(
            "writer:\n  concurrency: adaptive\n  max_concurrency: 0\n",
            key: "writer.max_concurrency",
            value: "0"
        ),
        InvalidCase("writer:\n  max_concurrency: lots\n", key: "writer.max_concurrency", value: "lots"),
        InvalidCase("retry:\n  initial_backoff: 0s\n", key: "retry.initial_backoff", value: "0s"),
        InvalidCase("retry:\n  initial_backoff: 5s\n  max_backoff: 1s\n", key: "retry.max_backoff", value: "1s"),
        InvalidCase("retry:\n  multiplier: 0.5\n", key: "retry.multiplier", value: "0.5"),
        InvalidCase("retry:\n  jitter: lots\n", key: "retry.jitter", value: "lots"),
        InvalidCase("dead_letter:\n  topic: orders\n", key: "dead_letter.topic", value: "orders"),
        InvalidCase("dead_letter:\n  topic: \"a/b\"\n", key: "dead_letter.topic", value: "a/b"),
        InvalidCase("dead_letter:\n  properties:\n    acks: 1\n", key: "dead_letter.properties.acks", value: "1"),
        InvalidCase(
            "backpressure:\n  max_buffered_bytes: 100KiB\n",
            key: "backpressure.max_buffered_bytes",
            value: "100KiB"
        ),
        InvalidCase("backpressure:\n  resume_ratio: 1\n", key: "backpressure.resume_ratio", value: "1"),
        InvalidCase("logging:\n  level: verbose\n", key: "logging.level", value: "verbose"),
        InvalidCase("logging:\n  format: text\n", key: "logging.format", value: "text"),
        InvalidCase("logging:\n  stats_interval: -1s\n", key: "logging.stats_interval", value: "-1s"),
        InvalidCase("logging:\n  repeat_limit: -1\n", key: "logging.repeat_limit", value: "-1"),
        InvalidCase("logging:\n  repeat_interval: 0s\n", key: "logging.repeat_interval", value: "0s"),
        InvalidCase("shutdown:\n  drain_timeout: forever\n", key: "shutdown.drain_timeout", value: "forever"),
        InvalidCase("health:\n  listen: 9464\n", key: "health.listen", value: "9464"),
        InvalidCase("health:\n  listen: \"localhost:99999\"\n", key: "health.listen", value: "localhost:99999"),
        InvalidCase("routing:\n  topics:\n    users: {}\n", key: "routing.topics.users", value: "users"),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      format: xml\n",
            key: "routing.topics.orders.format",
            value: "xml"
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      index: Shop\n",
            key: "routing.topics.orders.index",
            value: "Shop"
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      index: users\n",
            key: "routing.topics.orders.index",
            value: "users"
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      collection: \"a.b\"\n",
            key: "routing.topics.orders.collection",
            value: "a.b"
        ),
        InvalidCase(
            full: "kafka:\n  topics: [orders]\n  group_id: [a, b]\n",
            key: "kafka.group_id",
            value: "a list of 2 items"
        ),
        InvalidCase("batching: 5\n", key: "batching", value: "5"),
    ]

    @Test(arguments: invalidValues)
    func everyInvalidValueIsReportedWithItsKeyAndValue(invalid: InvalidCase) throws {
        let error = try #require(configurationError(invalid.yaml))
        #expect(error.key == invalid.key, "\(error)")
        #expect(error.description.hasPrefix("\(invalid.key): "), "\(error)")
        #expect(error.description.contains("\"\(invalid.value)\""), "\(error)")
    }

    @Test func missingTopicsAreReportedByKey() throws {
        let error = try #require(configurationError("kafka:\n  group_id: g\n"))
        #expect(error == .missing(key: "kafka.topics", reason: "list the topics to consume"))
        #expect(configurationError("") == error)
    }

    @Test func aRawTopicNeedsItsTargetIndexAndCollection() throws {
        let noIndex = try #require(
            configurationError(minimalYAML("routing:\n  topics:\n    orders:\n      format: raw\n"))
        )
        #expect(noIndex.key == "routing.topics.orders.index")
        let noCollection = try #require(
            configurationError(minimalYAML("routing:\n  topics:\n    orders: {format: raw, index: shop}\n"))
        )
        #expect(noCollection.key == "routing.topics.orders.collection")
    }

    @Test func batchBytesAboveTheRequestSizeNameBothKeys() throws {
        let error = try #require(
            configurationError(minimalYAML("kuzzle:\n  max_request_size: 512KiB\nbatching:\n  max_bytes: 900KiB\n"))
        )
        #expect(error.key == "batching.max_bytes")
        #expect(error.description.contains("\"900KiB\""))
        #expect(error.description.contains("kuzzle.max_request_size"))
        let fits = try loadConfiguration(
            minimalYAML("kuzzle:\n  max_request_size: 512KiB\nbatching:\n  max_bytes: 500KB\n")
        )
        #expect(fits.batching.maximumBytes == 500_000)
    }

    @Test func theDefaultBatchSizeShrinksToASmallerRequestSize() throws {
        let configuration = try loadConfiguration(minimalYAML("kuzzle:\n  max_request_size: 512KiB\n"))
        #expect(configuration.batching.maximumBytes == 524_288)
    }

    @Test func anUnknownKeyIsRejectedWithItsFullPathAndASuggestion() throws {
        let error = try #require(configurationError(minimalYAML("batching:\n  max_docs: 10\n")))
        #expect(error == .unknownKey(key: "batching.max_docs", suggestion: "batching.max_documents"))
        #expect(error.description == "batching.max_docs: unknown key (did you mean batching.max_documents?)")
    }

    @Test func aMisspelledKeyGetsTheClosestSibling() throws {
        let error = try #require(configurationError(minimalYAML("kuzzle:\n  requst_timeout: 1s\n")))
        #expect(error == .unknownKey(key: "kuzzle.requst_timeout", suggestion: "kuzzle.request_timeout"))
    }

    @Test func aKeyInTheWrongSectionPointsToTheRightOne() throws {
        let error = try #require(configurationError(minimalYAML("kuzzle:\n  max_wait: 1s\n")))
        #expect(error == .unknownKey(key: "kuzzle.max_wait", suggestion: "batching.max_wait"))
    }

    @Test func unknownSectionsAndUnknownTopicKeysAreRejected() throws {
        let section = try #require(configurationError(minimalYAML("metrics:\n  port: 1\n")))
        #expect(section.key == "metrics")
        let topicKey = try #require(
            configurationError(minimalYAML("routing:\n  topics:\n    orders:\n      colection: c\n"))
        )
        #expect(
            topicKey
                == .unknownKey(key: "routing.topics.orders.colection", suggestion: "routing.topics.orders.collection")
        )
    }

    @Test func librdkafkaPropertiesAreFreeForm() throws {
        let configuration = try loadConfiguration(
            minimalYAML().replacingOccurrences(
                of: "kafka:\n",
                with: "kafka:\n  properties:\n    any.librdkafka.key: 1\n"
            )
        )
        #expect(configuration.kafka.properties == ["any.librdkafka.key": "1"])
    }

    @Test func malformedYAMLIsReported() throws {
        let error = try #require(configurationError("kafka: [unclosed\n"))
        guard case .malformedYAML = error else {
            Issue.record("expected malformedYAML, got \(error)")
            return
        }
        #expect(error.key == "config")
        let list = try #require(configurationError("- a\n- b\n"))
        #expect(list.key == "config")
    }

    @Test func anUnreadableConfigFileNamesThePath() throws {
        do {
            _ = try BridgeConfiguration.load(path: "/nonexistent/kb.yaml", sources: .testing())
            Issue.record("expected an error")
        } catch let error as ConfigurationError {
            #expect(error.key == "config")
            #expect(error.description.contains("/nonexistent/kb.yaml"))
        }
    }

    @Test func controlCharactersInValuesAreEscapedInMessages() {
        let error = ConfigurationError.invalid(key: "k", value: "a\"b\nc", reason: "r")
        #expect(error.description == #"k: invalid value "a\"b\nc": r"#)
    }

    @Test func aBadWriterConcurrencySaysThatAdaptiveIsAccepted() {
        #expect(
            configurationError(minimalYAML("writer:\n  concurrency: auto\n"))?.description
                == #"writer.concurrency: invalid value "auto": expected a whole number, or adaptive"#
        )
        #expect(
            configurationError(minimalYAML("writer:\n  concurrency: 300\n"))?.description
                == #"writer.concurrency: invalid value "300": must be between 1 and 256, or adaptive"#
        )
    }
}
