import BridgeCore

/// Everything the `kuzzle-bridge` daemon is configured with, validated and typed.
///
/// Build it with ``load(path:sources:)`` or ``load(yaml:sources:)`` (YAML, see the repository's `config.yaml`), or
/// use ``default``. All values are plain `Sendable` values; the pipeline maps them onto the Kafka and Kuzzle clients.
public struct BridgeConfiguration: Sendable, Equatable {
    /// Kafka brokers, consumer group, topics (`kafka.*`).
    public var kafka: KafkaSettings
    /// Kuzzle endpoint, credentials and request options (`kuzzle.*`).
    public var kuzzle: KuzzleSettings
    /// When a batch is sealed (`batching.*`).
    public var batching: BatchLimits
    /// Which route and how many requests in flight (`writer.*`).
    public var writer: WriterSettings
    /// Backoff for transient Kuzzle failures (`retry.*`).
    public var retry: RetrySchedule
    /// Where refused events go (`dead_letter.*`).
    public var deadLetter: DeadLetterSettings
    /// When fetching pauses (`backpressure.*`).
    public var backpressure: BackpressureSettings
    /// Level, format and rate limits of the log (`logging.*`).
    public var logging: LoggingSettings
    /// The graceful-stop budget (`shutdown.*`).
    public var shutdown: ShutdownSettings
    /// The optional health endpoint (`health.*`).
    public var health: HealthSettings
    /// How each consumed topic's events are routed, one entry per topic of ``KafkaSettings/topics``
    /// (`routing.topics.<topic>.*`; topics not listed there get the default ``TopicRouting``).
    public var routing: [String: TopicRouting]

    /// Creates a configuration from values. No validation: prefer the loaders, which check every rule.
    public init(
        kafka: KafkaSettings,
        kuzzle: KuzzleSettings = KuzzleSettings(),
        batching: BatchLimits = BatchLimits(),
        writer: WriterSettings = WriterSettings(),
        retry: RetrySchedule = RetrySchedule(),
        deadLetter: DeadLetterSettings = DeadLetterSettings(),
        backpressure: BackpressureSettings = BackpressureSettings(),
        logging: LoggingSettings = LoggingSettings(),
        shutdown: ShutdownSettings = ShutdownSettings(),
        health: HealthSettings = HealthSettings(),
        routing: [String: TopicRouting]? = nil
    ) {
        self.kafka = kafka
        self.kuzzle = kuzzle
        self.batching = batching
        self.writer = writer
        self.retry = retry
        self.deadLetter = deadLetter
        self.backpressure = backpressure
        self.logging = logging
        self.shutdown = shutdown
        self.health = health
        self.routing = routing ?? Dictionary(uniqueKeysWithValues: kafka.topics.map { ($0, TopicRouting()) })
    }

    /// The topic consumed by the default configuration and the demo.
    public static let defaultTopic = "kuzzle-bridge.events"

    /// The documented default: a local broker (`127.0.0.1:9092`), a local Kuzzle (`http://127.0.0.1:7512`), anonymous,
    /// one topic (``defaultTopic``) of envelope events, every other value at its default. The repository's
    /// `config.yaml` loads to exactly this value.
    public static let `default` = BridgeConfiguration(kafka: KafkaSettings(topics: [defaultTopic]))

    /// The routing of `topic`: its configured entry, or the default envelope routing, with
    /// ``TopicRouting/mWriteAvailable`` following `writer.route` and `writer.fence` (a fence needs bulk:import), and
    /// ``TopicRouting/fence`` following `writer.fence`.
    public func routing(forTopic topic: String) -> TopicRouting {
        var topicRouting = routing[topic] ?? TopicRouting()
        topicRouting.mWriteAvailable = writer.route != .import && !writer.fence.isEnabled
        topicRouting.fence = writer.fence
        return topicRouting
    }
}
