import BridgeCore
import Logging

extension BridgeConfiguration {
    /// The mask written in place of a secret.
    public static let redactedMark = "<redacted>"

    /// The effective configuration as log metadata for the startup line, keyed by the file's key paths, with every
    /// secret (API key, password, secret-looking librdkafka properties) replaced by ``redactedMark``.
    public var summaryMetadata: Logger.Metadata {
        var summary: [(String, String)] = [
            ("kafka.bootstrap_servers", kafka.bootstrapServersList),
            ("kafka.group_id", kafka.groupID),
            ("kafka.topics", kafka.topics.joined(separator: ",")),
            ("kafka.assignment_strategy", kafka.assignmentStrategy.rawValue),
            ("kafka.session_timeout", ConfigurationUnits.format(kafka.sessionTimeout)),
            ("kuzzle.url", kuzzle.url),
            ("kuzzle.request_timeout", ConfigurationUnits.format(kuzzle.requestTimeout)),
            ("kuzzle.gzip", "\(kuzzle.gzip)"),
            ("kuzzle.max_request_size", ConfigurationUnits.formatBytes(kuzzle.maximumRequestSize)),
            ("kuzzle.refresh", kuzzle.refresh.rawValue),
            ("kuzzle.create_missing_collections", "\(kuzzle.createMissingCollections)"),
            ("batching.max_documents", "\(batching.maximumDocuments)"),
            ("batching.max_bytes", ConfigurationUnits.formatBytes(batching.maximumBytes)),
            ("batching.max_wait", ConfigurationUnits.format(batching.maximumWait)),
            ("writer.route", writer.route.rawValue),
            ("writer.notify", "\(writer.notify)"),
            ("writer.documents_write_count", writer.documentsWriteCount.map { "\($0)" } ?? "kuzzle"),
            ("writer.concurrency", "\(writer.concurrency)"),
            ("writer.max_concurrency", "\(writer.maximumConcurrency)"),
            ("writer.retry_on_conflict", "\(writer.retryOnConflict)"),
            ("writer.fence", "\(writer.fence)"),
            ("writer.fence_gc_deletes", ConfigurationUnits.format(writer.fenceGCDeletes)),
            ("retry.initial_backoff", ConfigurationUnits.format(retry.initialDelay)),
            ("retry.max_backoff", ConfigurationUnits.format(retry.maximumDelay)),
            ("retry.multiplier", "\(retry.multiplier)"),
            ("retry.jitter", "\(retry.jitter)"),
            ("dead_letter.topic", deadLetter.topic ?? "none"),
            ("backpressure.max_buffered_bytes", ConfigurationUnits.formatBytes(backpressure.maximumBufferedBytes)),
            ("backpressure.resume_ratio", "\(backpressure.resumeRatio)"),
            ("logging.level", logging.level.rawValue),
            ("logging.format", logging.format.rawValue),
            ("logging.stats_interval", ConfigurationUnits.format(logging.statsInterval)),
            ("logging.repeat_limit", "\(logging.repeatLimit)"),
            ("logging.repeat_interval", ConfigurationUnits.format(logging.repeatInterval)),
            ("shutdown.drain_timeout", ConfigurationUnits.format(shutdown.drainTimeout)),
            ("health.listen", health.listen?.description ?? "off"),
        ]
        switch kuzzle.credentials {
        case .anonymous:
            summary.append(("kuzzle.auth", "anonymous"))
        case .apiKey:
            summary.append(("kuzzle.auth", "api_key"))
            summary.append(("kuzzle.api_key", Self.redactedMark))
        case .login(let username, _):
            summary.append(("kuzzle.auth", "login"))
            summary.append(("kuzzle.username", username))
            summary.append(("kuzzle.password", Self.redactedMark))
        }
        if let caFile = kuzzle.caFile { summary.append(("kuzzle.ca_file", caFile)) }
        let typed = kafka.security.mappedProperties
        let typedValues = Dictionary(typed.map { ($0.key, $0.isSecret ? Self.redactedMark : $0.value) }) { $1 }
        for key in KafkaSecuritySettings.keys {
            summary.append((key, typedValues[key] ?? "unset"))
        }
        let typedNames = Set(typed.map(\.property))
        for (name, value) in kafka.properties where !typedNames.contains(name) {
            summary.append(("kafka.properties.\(name)", Self.isSecretProperty(name) ? Self.redactedMark : value))
        }
        for (name, value) in deadLetter.properties {
            summary.append(("dead_letter.properties.\(name)", Self.isSecretProperty(name) ? Self.redactedMark : value))
        }
        for (topic, routing) in routing {
            var parts = [routing.format.rawValue]
            if let index = routing.defaultIndex { parts.append("index=\(index)") }
            if let collection = routing.defaultCollection { parts.append("collection=\(collection)") }
            if routing.valueFraming != .none { parts.append("value_framing=\(routing.valueFraming.rawValue)") }
            if routing.keyFraming != .none { parts.append("key_framing=\(routing.keyFraming.rawValue)") }
            if routing.format.isDebezium {
                let fields =
                    routing.debezium.idFields.isEmpty ? "key" : routing.debezium.idFields.joined(separator: ",")
                parts.append("id_fields=\(fields) id_separator=\(routing.debezium.idSeparator)")
                parts.append("truncate=\(routing.debezium.truncate.rawValue)")
            }
            summary.append(("routing.topics.\(topic)", parts.joined(separator: " ")))
        }
        return Logger.Metadata(summary.map { ($0.0, Logger.MetadataValue.string($0.1)) }, uniquingKeysWith: { $1 })
    }

    /// ``summaryMetadata`` as one logfmt line (keys sorted), safe to print: secrets are masked.
    public var redactedDescription: String {
        LogLineEncoder.logfmtFields(summaryMetadata)
    }

    /// Whether a librdkafka property (or a configuration key) holds a secret: librdkafka's `sasl.password`,
    /// `ssl.key.password`, `ssl.keystore.password`, `ssl.key.pem`, `ssl_key`, `sasl.oauthbearer.client.secret`,
    /// `sasl.oauthbearer.config`, Java-style `sasl.jaas.config`, and anything naming a password, secret, credential,
    /// token or private key.
    public static func isSecretProperty(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return secretFragments.contains { lowered.contains($0) }
    }

    /// Substrings of a key name that mark its value as secret.
    static let secretFragments = [
        "password", "passwd", "secret", "credential", "token", "jaas", "ssl.key.pem", "ssl_key", "private",
        "sasl.oauthbearer.config", "api_key", "apikey",
    ]
}
