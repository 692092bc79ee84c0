import BridgeCore

/// The environment variables that may carry Kuzzle secrets (they win over the file's values).
public enum ConfigurationEnvironment {
    /// The Kuzzle API key (instead of `kuzzle.api_key` / `kuzzle.api_key_file`).
    public static let kuzzleAPIKey = "KUZZLE_BRIDGE_KUZZLE_API_KEY"
    /// The Kuzzle password (instead of `kuzzle.password` / `kuzzle.password_file`).
    public static let kuzzlePassword = "KUZZLE_BRIDGE_KUZZLE_PASSWORD"
    /// The configuration file path used when `--config` is not given.
    public static let configPath = "KUZZLE_BRIDGE_CONFIG"
}

extension BridgeConfiguration {
    /// Validates the file model and builds the typed configuration, applying defaults.
    ///
    /// - Throws: The first ``ConfigurationError`` found, naming its key path and value.
    init(file: ConfigurationFile, sources: ConfigurationSources) throws {
        let kafka = try Self.kafkaSettings(file.kafka, sources: sources)
        let kuzzle = try Self.kuzzleSettings(file.kuzzle, sources: sources)
        let batching = try Self.batchLimits(file.batching, maximumRequestSize: kuzzle.maximumRequestSize)
        let writer = try Self.writerSettings(file.writer)
        let routing = try Self.topicRoutings(file.routing, consumedTopics: kafka.topics)
        try Self.checkOffsetFence(writer, routings: routing)
        self.init(
            kafka: kafka,
            kuzzle: kuzzle,
            batching: batching,
            writer: writer,
            retry: try Self.retrySchedule(file.retry),
            deadLetter: try Self.deadLetterSettings(file.deadLetter, consumedTopics: kafka.topics),
            backpressure: try Self.backpressureSettings(file.backpressure, batching: batching),
            logging: try Self.loggingSettings(file.logging),
            shutdown: ShutdownSettings(
                drainTimeout: try ConfigurationField.duration(
                    file.shutdown?.drainTimeout,
                    key: "shutdown.drain_timeout",
                    default: .seconds(30),
                    in: .zero...Duration.seconds(3600)
                )
            ),
            health: try Self.healthSettings(file.health),
            routing: routing
        )
    }

    // MARK: - Sections

    private static func kafkaSettings(
        _ section: ConfigurationFile.Kafka?,
        sources: ConfigurationSources
    ) throws -> KafkaSettings {
        var servers = ["127.0.0.1:9092"]
        if let listed = section?.bootstrapServers?.items {
            guard !listed.isEmpty else {
                throw ConfigurationError.missing(key: "kafka.bootstrap_servers", reason: "list at least one broker")
            }
            for server in listed where server.isEmpty || server.contains(" ") {
                throw ConfigurationError.invalid(
                    key: "kafka.bootstrap_servers",
                    value: server,
                    reason: "expected host:port"
                )
            }
            servers = listed
        }
        guard let topics = section?.topics?.items, !topics.isEmpty else {
            throw ConfigurationError.missing(key: "kafka.topics", reason: "list the topics to consume")
        }
        var seen: Set<String> = []
        for topic in topics {
            if let problem = KafkaSettings.problemWithTopicName(topic) {
                throw ConfigurationError.invalid(key: "kafka.topics", value: topic, reason: "topic name \(problem)")
            }
            guard seen.insert(topic).inserted else {
                throw ConfigurationError.invalid(key: "kafka.topics", value: topic, reason: "listed twice")
            }
        }
        let properties = try ConfigurationField.properties(
            section?.properties,
            key: "kafka.properties",
            reserved: KafkaSettings.reservedPropertyKeys
        )
        return KafkaSettings(
            bootstrapServers: servers,
            groupID: try ConfigurationField.text(section?.groupId, key: "kafka.group_id", default: "kuzzle-bridge"),
            topics: topics,
            assignmentStrategy: try ConfigurationField.choice(
                section?.assignmentStrategy,
                key: "kafka.assignment_strategy",
                default: .range
            ),
            sessionTimeout: try ConfigurationField.duration(
                section?.sessionTimeout,
                key: "kafka.session_timeout",
                default: .seconds(45),
                in: Duration.seconds(1)...Duration.seconds(3600)
            ),
            properties: properties,
            security: try kafkaSecurity(section, properties: properties, sources: sources)
        )
    }

    private static func kuzzleSettings(
        _ section: ConfigurationFile.Kuzzle?,
        sources: ConfigurationSources
    ) throws
        -> KuzzleSettings
    {
        let url = try kuzzleURL(section?.url)
        var caFile: String?
        if let path = section?.caFile {
            let expanded = try sources.expandingVariables(in: path.trimmingWhitespace(), key: "kuzzle.ca_file")
            let pem: String
            do {
                pem = try sources.readFile(expanded)
            } catch {
                throw ConfigurationError.unreadableFile(key: "kuzzle.ca_file", path: expanded, reason: "\(error)")
            }
            guard pem.contains("-----BEGIN CERTIFICATE-----") else {
                throw ConfigurationError.invalid(
                    key: "kuzzle.ca_file",
                    value: expanded,
                    reason: "the file holds no PEM certificate"
                )
            }
            caFile = expanded
        }
        return KuzzleSettings(
            url: url,
            credentials: try KuzzleCredentialsReader.credentials(section, sources: sources),
            requestTimeout: try ConfigurationField.duration(
                section?.requestTimeout,
                key: "kuzzle.request_timeout",
                default: .seconds(30),
                in: Duration.milliseconds(1)...Duration.seconds(3600)
            ),
            caFile: caFile,
            gzip: try ConfigurationField.boolean(section?.gzip, key: "kuzzle.gzip", default: false),
            maximumRequestSize: try ConfigurationField.byteCount(
                section?.maxRequestSize,
                key: "kuzzle.max_request_size",
                default: 1_048_576,
                in: 1024...(1 << 31)
            ),
            refresh: try ConfigurationField.choice(section?.refresh, key: "kuzzle.refresh", default: .none),
            createMissingCollections: try ConfigurationField.boolean(
                section?.createMissingCollections,
                key: "kuzzle.create_missing_collections",
                default: false
            )
        )
    }

    /// Checks `kuzzle.url`: `http(s)://host[:port][/path]`, no credentials, query or fragment; drops a trailing `/`.
    private static func kuzzleURL(_ text: String?) throws -> String {
        guard let text else { return "http://127.0.0.1:7512" }
        var url = text.trimmingWhitespace()
        let scheme = url.prefix { $0 != ":" }.lowercased()
        guard scheme == "http" || scheme == "https", url.dropFirst(scheme.count).hasPrefix("://") else {
            throw ConfigurationError.invalid(
                key: "kuzzle.url",
                value: text,
                reason: "expected http://host:port or https://…"
            )
        }
        let rest = url.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !authority.hasPrefix(":") else {
            throw ConfigurationError.invalid(key: "kuzzle.url", value: text, reason: "the URL has no host")
        }
        if let problem = [
            (authority.contains("@"), "credentials in the URL are not allowed: use kuzzle.api_key or kuzzle.username"),
            (rest.contains("?") || rest.contains("#"), "a query or fragment is not allowed"),
            (rest.contains(" "), "the URL contains a space"),
        ].first(where: { $0.0 })?.1 {
            throw ConfigurationError.invalid(key: "kuzzle.url", value: text, reason: problem)
        }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    private static func batchLimits(
        _ section: ConfigurationFile.Batching?,
        maximumRequestSize: Int
    ) throws
        -> BatchLimits
    {
        let maximumBytes = try ConfigurationField.byteCount(
            section?.maxBytes,
            key: "batching.max_bytes",
            default: min(900 * 1024, maximumRequestSize),
            in: 1024...(1 << 31)
        )
        guard maximumBytes <= maximumRequestSize else {
            throw ConfigurationError.invalid(
                key: "batching.max_bytes",
                value: section?.maxBytes ?? "\(maximumBytes)",
                reason: "must not exceed kuzzle.max_request_size (\(maximumRequestSize) bytes)"
            )
        }
        return BatchLimits(
            maximumDocuments: try ConfigurationField.integer(
                section?.maxDocuments,
                key: "batching.max_documents",
                default: 1000,
                in: 1...1_000_000
            ),
            maximumBytes: maximumBytes,
            maximumWait: try ConfigurationField.duration(
                section?.maxWait,
                key: "batching.max_wait",
                default: .milliseconds(200),
                in: .zero...Duration.seconds(3600)
            )
        )
    }

    private static func retrySchedule(_ section: ConfigurationFile.Retry?) throws -> RetrySchedule {
        let initial = try ConfigurationField.duration(
            section?.initialBackoff,
            key: "retry.initial_backoff",
            default: .milliseconds(100),
            in: Duration.milliseconds(1)...Duration.seconds(3600)
        )
        let maximum = try ConfigurationField.duration(
            section?.maxBackoff,
            key: "retry.max_backoff",
            default: max(.seconds(30), initial),
            in: Duration.milliseconds(1)...Duration.seconds(86400)
        )
        guard maximum >= initial else {
            throw ConfigurationError.invalid(
                key: "retry.max_backoff",
                value: section?.maxBackoff ?? ConfigurationUnits.format(maximum),
                reason: "must not be shorter than retry.initial_backoff (\(ConfigurationUnits.format(initial)))"
            )
        }
        return RetrySchedule(
            initialDelay: initial,
            maximumDelay: maximum,
            multiplier: try ConfigurationField.number(
                section?.multiplier,
                key: "retry.multiplier",
                default: 2,
                in: 1...10
            ),
            jitter: try ConfigurationField.number(section?.jitter, key: "retry.jitter", default: 0.2, in: 0...1)
        )
    }

    private static func deadLetterSettings(
        _ section: ConfigurationFile.DeadLetter?,
        consumedTopics: [String]
    ) throws
        -> DeadLetterSettings
    {
        var topic: String?
        if let text = section?.topic {
            let name = text.trimmingWhitespace()
            if let problem = KafkaSettings.problemWithTopicName(name) {
                throw ConfigurationError.invalid(key: "dead_letter.topic", value: text, reason: "topic name \(problem)")
            }
            guard !consumedTopics.contains(name) else {
                throw ConfigurationError.invalid(
                    key: "dead_letter.topic",
                    value: text,
                    reason: "is also listed in kafka.topics (refused events would loop)"
                )
            }
            topic = name
        }
        return DeadLetterSettings(
            topic: topic,
            properties: try ConfigurationField.properties(
                section?.properties,
                key: "dead_letter.properties",
                reserved: DeadLetterSettings.reservedPropertyKeys
            )
        )
    }

    private static func backpressureSettings(
        _ section: ConfigurationFile.Backpressure?,
        batching: BatchLimits
    ) throws
        -> BackpressureSettings
    {
        let maximum = try ConfigurationField.byteCount(
            section?.maxBufferedBytes,
            key: "backpressure.max_buffered_bytes",
            default: max(24 * 1_048_576, batching.maximumBytes),
            in: 1024...(1 << 40)
        )
        guard maximum >= batching.maximumBytes else {
            throw ConfigurationError.invalid(
                key: "backpressure.max_buffered_bytes",
                value: section?.maxBufferedBytes ?? "\(maximum)",
                reason: "must be at least batching.max_bytes (\(batching.maximumBytes) bytes)"
            )
        }
        let ratio = try ConfigurationField.number(
            section?.resumeRatio,
            key: "backpressure.resume_ratio",
            default: 0.5,
            in: 0...1
        )
        guard ratio > 0, ratio < 1 else {
            throw ConfigurationError.invalid(
                key: "backpressure.resume_ratio",
                value: section?.resumeRatio ?? "\(ratio)",
                reason: "must be strictly between 0 and 1"
            )
        }
        return BackpressureSettings(maximumBufferedBytes: maximum, resumeRatio: ratio)
    }

    private static func loggingSettings(_ section: ConfigurationFile.Logging?) throws -> LoggingSettings {
        var level = LoggingSettings().level
        if let text = section?.level {
            guard let parsed = LogLevelName.level(named: text.trimmingWhitespace()) else {
                throw ConfigurationError.invalid(
                    key: "logging.level",
                    value: text,
                    reason: "expected one of: \(LogLevelName.allNames.joined(separator: ", "))"
                )
            }
            level = parsed
        }
        return LoggingSettings(
            level: level,
            format: try ConfigurationField.choice(section?.format, key: "logging.format", default: .logfmt),
            statsInterval: try ConfigurationField.duration(
                section?.statsInterval,
                key: "logging.stats_interval",
                default: .seconds(60),
                in: .zero...Duration.seconds(86400)
            ),
            repeatLimit: try ConfigurationField.integer(
                section?.repeatLimit,
                key: "logging.repeat_limit",
                default: 5,
                in: 0...1_000_000
            ),
            repeatInterval: try ConfigurationField.duration(
                section?.repeatInterval,
                key: "logging.repeat_interval",
                default: .seconds(60),
                in: Duration.milliseconds(1)...Duration.seconds(86400)
            )
        )
    }

    private static func healthSettings(_ section: ConfigurationFile.Health?) throws -> HealthSettings {
        guard let text = section?.listen else { return HealthSettings() }
        guard let address = HealthSettings.ListenAddress.parse(text.trimmingWhitespace()) else {
            throw ConfigurationError.invalid(
                key: "health.listen",
                value: text,
                reason: "expected host:port, e.g. 127.0.0.1:9464 or [::1]:9464"
            )
        }
        return HealthSettings(listen: address)
    }
}
