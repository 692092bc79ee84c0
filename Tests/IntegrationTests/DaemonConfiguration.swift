/// The settings of one `kuzzle-bridge run` under test, rendered as the daemon's YAML configuration file.
struct DaemonConfiguration: Sendable {
    var bootstrap: String
    var group: String
    var topic: String
    var kuzzleURL: String
    var deadLetterTopic: String?
    var route = "auto"
    var concurrency = 4
    var maxDocuments = 1000
    var maxWait = "50ms"
    var maxBackoff = "1s"
    var drainTimeout = "15s"
    var statsInterval = "2s"
    /// More lines of the `kafka:` section (indented two spaces), e.g. `kafka.security`/`tls`/`sasl`.
    var extraKafkaLines: [String] = []

    /// The YAML text (every key documented in the repository's config.yaml).
    var yaml: String {
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
            "batching:",
            "  max_documents: \(maxDocuments)",
            "  max_wait: \(maxWait)",
            "writer:",
            "  route: \(route)",
            "  concurrency: \(concurrency)",
            "retry:",
            "  initial_backoff: 50ms",
            "  max_backoff: \(maxBackoff)",
        ]
        if let deadLetterTopic {
            lines += ["dead_letter:", "  topic: \(deadLetterTopic)"]
        }
        lines += [
            "logging:",
            "  level: info",
            "  stats_interval: \(statsInterval)",
            "  repeat_limit: 0",
            "shutdown:",
            "  drain_timeout: \(drainTimeout)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
