/// The configuration file exactly as written: snake_case keys, every value kept as text (or a list/map of text).
///
/// Values are parsed and checked by ``BridgeConfiguration/init(file:sources:)``, so that every error can quote the
/// value as the user typed it. Each section's `CodingKeys` is also the list of keys the file may contain.
struct ConfigurationFile: Decodable, Equatable {
    var kafka: Kafka?
    var kuzzle: Kuzzle?
    var batching: Batching?
    var writer: Writer?
    var retry: Retry?
    var deadLetter: DeadLetter?
    var backpressure: Backpressure?
    var logging: Logging?
    var shutdown: Shutdown?
    var health: Health?
    var routing: Routing?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kafka, kuzzle, batching, writer, retry, backpressure, logging, shutdown, health, routing
        case deadLetter = "dead_letter"
    }

    /// `kafka:`
    struct Kafka: Decodable, Equatable {
        var bootstrapServers: TextOrList?
        var groupId: String?
        var topics: TextOrList?
        var properties: [String: String]?
        var assignmentStrategy: String?
        var sessionTimeout: String?
        var security: Security?
        var tls: TLS?
        var sasl: SASL?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case bootstrapServers = "bootstrap_servers", groupId = "group_id", topics, properties
            case assignmentStrategy = "assignment_strategy", sessionTimeout = "session_timeout"
            case security, tls, sasl
        }

        /// `kafka.security:`
        struct Security: Decodable, Equatable {
            var `protocol`: String?

            enum CodingKeys: String, CodingKey, CaseIterable { case `protocol` }
        }

        /// `kafka.tls:`
        struct TLS: Decodable, Equatable {
            var caFile: String?
            var certificateFile: String?
            var keyFile: String?
            var keyPassword: String?
            var keyPasswordFile: String?
            var verifyHostname: String?

            enum CodingKeys: String, CodingKey, CaseIterable {
                case caFile = "ca_file", certificateFile = "certificate_file", keyFile = "key_file"
                case keyPassword = "key_password", keyPasswordFile = "key_password_file"
                case verifyHostname = "verify_hostname"
            }
        }

        /// `kafka.sasl:`
        struct SASL: Decodable, Equatable {
            var mechanism: String?
            var username: String?
            var password: String?
            var passwordFile: String?

            enum CodingKeys: String, CodingKey, CaseIterable {
                case mechanism, username, password, passwordFile = "password_file"
            }
        }
    }

    /// `kuzzle:`
    struct Kuzzle: Decodable, Equatable {
        var url: String?
        var apiKey: String?
        var apiKeyFile: String?
        var username: String?
        var password: String?
        var passwordFile: String?
        var requestTimeout: String?
        var caFile: String?
        var gzip: String?
        var maxRequestSize: String?
        var refresh: String?
        var createMissingCollections: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, username, password, gzip, refresh
            case apiKey = "api_key", apiKeyFile = "api_key_file", passwordFile = "password_file"
            case requestTimeout = "request_timeout", caFile = "ca_file", maxRequestSize = "max_request_size"
            case createMissingCollections = "create_missing_collections"
        }
    }

    /// `batching:`
    struct Batching: Decodable, Equatable {
        var maxDocuments: String?
        var maxBytes: String?
        var maxWait: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxDocuments = "max_documents", maxBytes = "max_bytes", maxWait = "max_wait"
        }
    }

    /// `writer:`
    struct Writer: Decodable, Equatable {
        var route: String?
        var concurrency: String?
        var maxConcurrency: String?
        var retryOnConflict: String?
        var fence: String?
        var fenceGcDeletes: String?
        var notify: String?
        var documentsWriteCount: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case route, concurrency, maxConcurrency = "max_concurrency", retryOnConflict = "retry_on_conflict"
            case fence, fenceGcDeletes = "fence_gc_deletes", notify
            case documentsWriteCount = "documents_write_count"
        }
    }

    /// `retry:`
    struct Retry: Decodable, Equatable {
        var initialBackoff: String?
        var maxBackoff: String?
        var multiplier: String?
        var jitter: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case initialBackoff = "initial_backoff", maxBackoff = "max_backoff", multiplier, jitter
        }
    }

    /// `dead_letter:`
    struct DeadLetter: Decodable, Equatable {
        var topic: String?
        var properties: [String: String]?

        enum CodingKeys: String, CodingKey, CaseIterable { case topic, properties }
    }

    /// `backpressure:`
    struct Backpressure: Decodable, Equatable {
        var maxBufferedBytes: String?
        var resumeRatio: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxBufferedBytes = "max_buffered_bytes", resumeRatio = "resume_ratio"
        }
    }

    /// `logging:`
    struct Logging: Decodable, Equatable {
        var level: String?
        var format: String?
        var statsInterval: String?
        var repeatLimit: String?
        var repeatInterval: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case level, format
            case statsInterval = "stats_interval", repeatLimit = "repeat_limit", repeatInterval = "repeat_interval"
        }
    }

    /// `shutdown:`
    struct Shutdown: Decodable, Equatable {
        var drainTimeout: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case drainTimeout = "drain_timeout" }
    }

    /// `health:`
    struct Health: Decodable, Equatable {
        var listen: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case listen }
    }

    /// `routing:`
    struct Routing: Decodable, Equatable {
        var topics: [String: Topic]?

        enum CodingKeys: String, CodingKey, CaseIterable { case topics }

        /// `routing.topics.<topic>:`
        struct Topic: Decodable, Equatable {
            var format: String?
            var index: String?
            var collection: String?
            var debezium: Debezium?
            var valueFraming: String?
            var keyFraming: String?

            enum CodingKeys: String, CodingKey, CaseIterable {
                case format, index, collection, debezium
                case valueFraming = "value_framing"
                case keyFraming = "key_framing"
            }

            /// `routing.topics.<topic>.debezium:`
            struct Debezium: Decodable, Equatable {
                var idFields: TextOrList?
                var idSeparator: String?
                var truncate: String?

                enum CodingKeys: String, CodingKey, CaseIterable {
                    case idFields = "id_fields"
                    case idSeparator = "id_separator"
                    case truncate
                }
            }
        }
    }

    /// A value written either as one string (`a,b` split on commas) or as a YAML list of strings.
    struct TextOrList: Decodable, Equatable {
        /// The items, trimmed, without empty ones.
        var items: [String]

        init(items: [String]) { self.items = items }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([String].self) {
                items = list.map { $0.trimmingWhitespace() }
            } else {
                let text = try container.decode(String.self)
                items = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            }
        }
    }

    /// The keys the file may contain, as a tree, for the unknown-key check.
    static let schema: ConfigurationKeySchema = .section([
        CodingKeys.kafka.rawValue: .section(
            leaves(Kafka.CodingKeys.self).merging([
                Kafka.CodingKeys.properties.rawValue: .anyKeys(.leaf),
                Kafka.CodingKeys.security.rawValue: .section(leaves(Kafka.Security.CodingKeys.self)),
                Kafka.CodingKeys.tls.rawValue: .section(leaves(Kafka.TLS.CodingKeys.self)),
                Kafka.CodingKeys.sasl.rawValue: .section(leaves(Kafka.SASL.CodingKeys.self)),
            ]) { $1 }
        ),
        CodingKeys.kuzzle.rawValue: .section(leaves(Kuzzle.CodingKeys.self)),
        CodingKeys.batching.rawValue: .section(leaves(Batching.CodingKeys.self)),
        CodingKeys.writer.rawValue: .section(leaves(Writer.CodingKeys.self)),
        CodingKeys.retry.rawValue: .section(leaves(Retry.CodingKeys.self)),
        CodingKeys.deadLetter.rawValue: .section(
            leaves(DeadLetter.CodingKeys.self).merging([DeadLetter.CodingKeys.properties.rawValue: .anyKeys(.leaf)]) {
                $1
            }
        ),
        CodingKeys.backpressure.rawValue: .section(leaves(Backpressure.CodingKeys.self)),
        CodingKeys.logging.rawValue: .section(leaves(Logging.CodingKeys.self)),
        CodingKeys.shutdown.rawValue: .section(leaves(Shutdown.CodingKeys.self)),
        CodingKeys.health.rawValue: .section(leaves(Health.CodingKeys.self)),
        CodingKeys.routing.rawValue: .section([
            Routing.CodingKeys.topics.rawValue: .anyKeys(
                .section(
                    leaves(Routing.Topic.CodingKeys.self).merging([
                        Routing.Topic.CodingKeys.debezium.rawValue: .section(
                            leaves(Routing.Topic.Debezium.CodingKeys.self)
                        )
                    ]) { $1 }
                )
            )
        ]),
    ])

    /// The raw values of `keys`, each mapped to a leaf.
    private static func leaves<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) -> [String: ConfigurationKeySchema] {
        var result: [String: ConfigurationKeySchema] = [:]
        for key in Keys.allCases { result[key.stringValue] = .leaf }
        return result
    }
}
