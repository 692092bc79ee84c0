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
    /// `writer.fence` (`none`, `offset`, `header:<name>`), left out when `nil`.
    var fence: String?
    /// `writer.fence_gc_deletes`, left out when `nil`.
    var fenceGCDeletes: String?
    /// `kuzzle.create_missing_collections`.
    var createMissingCollections = false

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
        lines += [
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
