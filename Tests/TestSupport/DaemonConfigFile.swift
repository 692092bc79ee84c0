import Foundation

/// Writes a daemon configuration to a temporary file and returns its path.
public func writeDaemonConfig(
    bootstrap: String,
    kuzzleURL: String,
    topic: String,
    group: String,
    deadLetterTopic: String? = nil,
    statsInterval: String = "1s",
    maxDocuments: Int = 1000,
    extra: String = ""
) throws -> String {
    var text = """
        kafka:
          bootstrap_servers: \(bootstrap)
          group_id: \(group)
          topics: [\(topic)]
          session_timeout: 6s
        kuzzle:
          url: \(kuzzleURL)
          request_timeout: 5s
        retry:
          initial_backoff: 50ms
          max_backoff: 500ms
        batching:
          max_wait: 20ms
          max_documents: \(maxDocuments)
        logging:
          stats_interval: \(statsInterval)
        shutdown:
          drain_timeout: 5s

        """
    if let deadLetterTopic { text += "dead_letter:\n  topic: \(deadLetterTopic)\n" }
    text += extra
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kb-ops-\(UUID().uuidString).yaml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}
