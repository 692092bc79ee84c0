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
            if format != .envelope {
                if index == nil {
                    throw ConfigurationError.missing(
                        key: "\(key).index",
                        reason: "format \(format.rawValue) takes the target index from configuration"
                    )
                }
                if collection == nil {
                    throw ConfigurationError.missing(
                        key: "\(key).collection",
                        reason: "format \(format.rawValue) takes the target collection from configuration"
                    )
                }
            }
            var routing = TopicRouting(format: format, defaultIndex: index, defaultCollection: collection)
            routing.valueFraming = try ConfigurationField.choice(
                entry.valueFraming,
                key: "\(key).value_framing",
                default: .none
            )
            routing.keyFraming = try ConfigurationField.choice(
                entry.keyFraming,
                key: "\(key).key_framing",
                default: .none
            )
            if let debezium = entry.debezium {
                guard format.isDebezium || routing.keyFraming != .none else {
                    throw ConfigurationError.invalid(
                        key: "\(key).debezium",
                        value: "set",
                        reason: "applies to format debezium or debezium-unwrapped (or a key_framing: confluent key); "
                            + "this topic's format is \(format.rawValue)"
                    )
                }
                routing.debezium = try debeziumRouting(debezium, key: "\(key).debezium")
            }
            routings[topic] = routing
        }
        return routings
    }

    /// Validates `routing.topics.<topic>.debezium` (id_fields, id_separator, truncate).
    private static func debeziumRouting(
        _ section: ConfigurationFile.Routing.Topic.Debezium,
        key: String
    ) throws -> DebeziumRouting {
        var settings = DebeziumRouting()
        if let fields = section.idFields?.items {
            var seen = Set<String>()
            for field in fields {
                guard !field.isEmpty else {
                    throw ConfigurationError.invalid(
                        key: "\(key).id_fields",
                        value: "",
                        reason: "a field name is empty"
                    )
                }
                guard seen.insert(field).inserted else {
                    throw ConfigurationError.invalid(
                        key: "\(key).id_fields",
                        value: field,
                        reason: "lists this field twice"
                    )
                }
            }
            settings.idFields = fields
        }
        if let separator = section.idSeparator {
            guard !separator.isEmpty else {
                throw ConfigurationError.invalid(
                    key: "\(key).id_separator",
                    value: separator,
                    reason: "must not be empty (ids of composite keys would collide)"
                )
            }
            guard !separator.contains("%") else {
                throw ConfigurationError.invalid(
                    key: "\(key).id_separator",
                    value: separator,
                    reason: "must not contain %, the escape character of id components"
                )
            }
            settings.idSeparator = separator
        }
        settings.truncate = try ConfigurationField.choice(section.truncate, key: "\(key).truncate", default: .skip)
        return settings
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
