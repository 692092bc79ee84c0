/// How the bridge joins Kafka: brokers, consumer group, topics and extra librdkafka properties.
public struct KafkaSettings: Sendable, Equatable {
    /// How partitions are shared between the members of the consumer group.
    public enum AssignmentStrategy: String, Sendable, Equatable, CaseIterable {
        /// librdkafka's `range` assignor (eager rebalances: every member gives up everything). Safe with 2.0.2.
        case range
        /// librdkafka's `cooperative-sticky` assignor (incremental rebalances).
        ///
        /// - Warning: librdkafka 2.0.2 aborts when such a consumer is closed before its first assignment (fixed in
        ///   2.3.0); the pipeline must not close before being assigned.
        case cooperativeSticky = "cooperative-sticky"

        /// The value of librdkafka's `partition.assignment.strategy`.
        public var librdkafkaValue: String { rawValue }
    }

    /// Bootstrap brokers, `host:port` each (`kafka.bootstrap_servers`). Default: `127.0.0.1:9092`.
    public var bootstrapServers: [String]
    /// The consumer group id (`kafka.group_id`). Default: `kuzzle-bridge`.
    public var groupID: String
    /// The topics consumed (`kafka.topics`), at least one. Required.
    public var topics: [String]
    /// The partition assignor (`kafka.assignment_strategy`). Default: ``AssignmentStrategy/range``.
    public var assignmentStrategy: AssignmentStrategy
    /// The group session timeout (`kafka.session_timeout`, librdkafka `session.timeout.ms`). Default: 45 s.
    public var sessionTimeout: Duration
    /// The librdkafka properties every Kafka client of the bridge gets: `kafka.properties` as written, plus the ones
    /// ``security`` maps to (a key set both ways is rejected at load time). Default: none.
    ///
    /// Keys the bridge sets itself (see ``reservedPropertyKeys``) are rejected at load time.
    public var properties: [String: String]
    /// TLS and SASL (`kafka.security.*`, `kafka.tls.*`, `kafka.sasl.*`), already merged into ``properties``.
    public var security: KafkaSecuritySettings

    /// librdkafka properties the bridge owns: setting them in `kafka.properties` would break its offset handling or
    /// duplicate a typed key.
    public static let reservedPropertyKeys: [String: String] = [
        "bootstrap.servers": "set kafka.bootstrap_servers instead",
        "metadata.broker.list": "set kafka.bootstrap_servers instead",
        "group.id": "set kafka.group_id instead",
        "partition.assignment.strategy": "set kafka.assignment_strategy instead",
        "session.timeout.ms": "set kafka.session_timeout instead",
        "enable.auto.commit": "the bridge commits offsets itself, only after Kuzzle acknowledged the documents",
        "enable.auto.offset.store": "the bridge stores offsets itself, only after Kuzzle acknowledged the documents",
    ]

    /// Creates Kafka settings.
    public init(
        bootstrapServers: [String] = ["127.0.0.1:9092"],
        groupID: String = "kuzzle-bridge",
        topics: [String],
        assignmentStrategy: AssignmentStrategy = .range,
        sessionTimeout: Duration = .seconds(45),
        properties: [String: String] = [:],
        security: KafkaSecuritySettings = KafkaSecuritySettings()
    ) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
        self.assignmentStrategy = assignmentStrategy
        self.sessionTimeout = sessionTimeout
        self.properties = properties.merging(security.librdkafkaProperties) { _, typed in typed }
        self.security = security
    }

    /// The bootstrap servers as librdkafka's `bootstrap.servers` wants them (comma-separated).
    public var bootstrapServersList: String { bootstrapServers.joined(separator: ",") }

    /// Why `name` cannot be a Kafka topic name, or `nil` when it can (Kafka's rules: 1–249 characters among
    /// `[a-zA-Z0-9._-]`, not `.` or `..`).
    public static func problemWithTopicName(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 249 { return "is longer than 249 characters" }
        if name == "." || name == ".." { return "is not allowed as a topic name" }
        for scalar in name.unicodeScalars {
            let allowed =
                scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || scalar == "." || scalar == "_" || scalar == "-")
            if !allowed { return "contains \"\(scalar)\" (allowed: letters, digits, '.', '_', '-')" }
        }
        return nil
    }
}
