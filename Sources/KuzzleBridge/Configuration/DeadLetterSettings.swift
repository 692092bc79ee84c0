/// Where events that Kuzzle refuses for good (or that cannot be decoded) are sent.
public struct DeadLetterSettings: Sendable, Equatable {
    /// The dead-letter topic (`dead_letter.topic`). Default: none: a permanently failing event halts its partition.
    public var topic: String?
    /// Extra librdkafka producer properties (`dead_letter.properties`), values as text. Default: none; the producer
    /// uses `kafka.bootstrap_servers` unless `bootstrap.servers` is given here.
    public var properties: [String: String]

    /// librdkafka producer properties the bridge owns (it needs an idempotent, `acks=all` producer).
    public static let reservedPropertyKeys: [String: String] = [
        "enable.idempotence": "the dead-letter producer is always idempotent",
        "acks": "the dead-letter producer always uses acks=all",
        "request.required.acks": "the dead-letter producer always uses acks=all",
    ]

    /// Creates dead-letter settings.
    public init(topic: String? = nil, properties: [String: String] = [:]) {
        self.topic = topic
        self.properties = properties
    }
}
