import BridgeCore

extension BridgeConfiguration {
    /// Builds one ``TopicRouting`` per consumed topic from `routing.topics`, checking index and collection names with
    /// ``KuzzleNames``.
    ///
    /// - Throws: ``ConfigurationError`` naming `routing.topics.<topic>[.field]`.
    static func topicRoutings(
        _ section: ConfigurationFile.Routing?,
        consumedTopics: [String]
    ) throws
        -> [String: TopicRouting]
    {
        var routings = Dictionary(uniqueKeysWithValues: consumedTopics.map { ($0, TopicRouting()) })
        let entries = (section?.topics ?? [:]).sorted { $0.key < $1.key }
        for (topic, entry) in entries {
            let key = "routing.topics.\(topic)"
            guard routings[topic] != nil else {
                throw ConfigurationError.invalid(
                    key: key,
                    value: topic,
                    reason: "this topic is not listed in kafka.topics (\(consumedTopics.joined(separator: ", ")))"
                )
            }
            let format: TopicRouting.Format = try ConfigurationField.choice(
                entry.format,
                key: "\(key).format",
                default: .envelope
            )
            let index = try name(entry.index, key: "\(key).index", problem: KuzzleNames.problemWithIndexName)
            let collection = try name(
                entry.collection,
                key: "\(key).collection",
                problem: KuzzleNames.problemWithCollectionName
            )
            if format == .raw {
                if index == nil {
                    throw ConfigurationError.missing(
                        key: "\(key).index",
                        reason: "format raw takes the target index from configuration"
                    )
                }
                if collection == nil {
                    throw ConfigurationError.missing(
                        key: "\(key).collection",
                        reason: "format raw takes the target collection from configuration"
                    )
                }
            }
            routings[topic] = TopicRouting(format: format, defaultIndex: index, defaultCollection: collection)
        }
        return routings
    }

    /// A trimmed index or collection name checked by `problem`, or `nil` when absent.
    private static func name(_ text: String?, key: String, problem: (String) -> String?) throws -> String? {
        guard let text else { return nil }
        let name = text.trimmingWhitespace()
        if let reason = problem(name) {
            throw ConfigurationError.invalid(key: key, value: text, reason: "Kuzzle name \(reason)")
        }
        return name
    }
}
