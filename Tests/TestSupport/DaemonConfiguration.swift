/// The settings of one `kuzzle-bridge run` under test, rendered as the daemon's YAML configuration file.
public struct DaemonConfiguration: Sendable {
    /// `kafka.bootstrap_servers`.
    public var bootstrap: String
    /// `kafka.group_id`.
    public var group: String
    /// The one topic of `kafka.topics`.
    public var topic: String
    /// `kuzzle.url`.
    public var kuzzleURL: String
    /// `dead_letter.topic`, or none.
    public var deadLetterTopic: String?
    /// `writer.route`.
    public var route = "auto"
    /// `writer.concurrency`.
    public var concurrency = 4
    /// `batching.max_documents`.
    public var maxDocuments = 1000
    /// `batching.max_wait`.
    public var maxWait = "50ms"
    /// `retry.max_backoff`.
    public var maxBackoff = "1s"
    /// `shutdown.drain_timeout`.
    public var drainTimeout = "15s"
    /// `logging.stats_interval`.
    public var statsInterval = "2s"
    /// `dead_letter.properties` entries (librdkafka producer keys and values), e.g. another `bootstrap.servers`.
    public var deadLetterProperties: [String: String] = [:]
    /// `writer.fence` (`none`, `offset`, `header:<name>`), left out when `nil`.
    public var fence: String?
    /// `writer.fence_gc_deletes`, left out when `nil`.
    public var fenceGCDeletes: String?
    /// `writer.notify`, left out when `nil`.
    public var notify: Bool?
    /// `writer.documents_write_count`, left out when `nil`.
    public var documentsWriteCount: Int?
    /// `kuzzle.create_missing_collections`.
    public var createMissingCollections = false
    /// More lines of the `kafka:` section (indented two spaces), e.g. `kafka.security`/`tls`/`sasl`.
    public var extraKafkaLines: [String] = []
    /// The `routing:` section's lines after `routing:` (indented two spaces), e.g. a topic's `format: debezium`;
    /// none: no `routing:` section.
    public var routingLines: [String] = []

    /// A configuration with the defaults above.
    public init(bootstrap: String, group: String, topic: String, kuzzleURL: String, deadLetterTopic: String? = nil) {
        self.bootstrap = bootstrap
        self.group = group
        self.topic = topic
        self.kuzzleURL = kuzzleURL
        self.deadLetterTopic = deadLetterTopic
    }

    /// The YAML text (every key documented in the repository's config.yaml).
    public var yaml: String {
        var lines = [
            "kafka:",
            "  bootstrap_servers: \"\(bootstrap)\"",
            "  group_id: \(group)",
            "  topics: [\(topic)]",
            "  session_timeout: 6s",
            "  properties:",
            "    fetch.wait.max.ms: 50",
        ]
        lines += extraKafkaLines
        lines += [
            "kuzzle:",
            "  url: \(kuzzleURL)",
            "  request_timeout: 10s",
            "  create_missing_collections: \(createMissingCollections)",
            "batching:",
            "  max_documents: \(maxDocuments)",
            "  max_wait: \(maxWait)",
            "writer:",
            "  route: \(route)",
            "  concurrency: \(concurrency)",
        ]
        if let fence { lines.append("  fence: \(fence)") }
        if let fenceGCDeletes { lines.append("  fence_gc_deletes: \(fenceGCDeletes)") }
        if let notify { lines.append("  notify: \(notify)") }
        if let documentsWriteCount { lines.append("  documents_write_count: \(documentsWriteCount)") }
        lines += [
            "retry:",
            "  initial_backoff: 50ms",
            "  max_backoff: \(maxBackoff)",
        ]
        if let deadLetterTopic {
            lines += ["dead_letter:", "  topic: \(deadLetterTopic)"]
            if !deadLetterProperties.isEmpty {
                lines.append("  properties:")
                lines += deadLetterProperties.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }
            }
        }
        lines += [
            "logging:",
            "  level: info",
            "  stats_interval: \(statsInterval)",
            "  repeat_limit: 0",
            "shutdown:",
            "  drain_timeout: \(drainTimeout)",
        ]
        if !routingLines.isEmpty { lines += ["routing:"] + routingLines }
        return lines.joined(separator: "\n") + "\n"
    }
}
