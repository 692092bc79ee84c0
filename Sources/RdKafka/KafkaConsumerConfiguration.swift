/// How a ``KafkaConsumer`` joins its group and talks to the brokers.
///
/// The typed fields map onto librdkafka keys; ``properties`` passes anything else through unchanged (TLS, SASL,
/// fetch tuning…) and wins over the typed fields. Two keys are always forced, whatever ``properties`` says:
/// `enable.auto.commit=false` and `enable.auto.offset.store=false`, because the layer above commits explicit offsets.
public struct KafkaConsumerConfiguration: Sendable {
    /// How partitions are spread over the group's members.
    public enum AssignmentStrategy: String, Sendable {
        /// librdkafka `range`: eager; every rebalance revokes everything first. The safe choice on librdkafka 2.0.2.
        case range
        /// librdkafka `cooperative-sticky`: incremental; only moved partitions are revoked.
        ///
        /// - Warning: librdkafka 2.0.2 aborts when a cooperative consumer is destroyed after its group protocol was
        ///   chosen but before its first assignment (fixed in 2.3.0, librdkafka#4381). ``KafkaConsumer/close()``
        ///   guards against it; see there.
        case cooperativeSticky = "cooperative-sticky"
    }

    /// Comma-separated `host:port` list. Required.
    public var bootstrapServers: String
    /// The consumer group. Required.
    public var groupID: String
    /// Topics to subscribe to; a name starting with `^` is a regular expression (librdkafka convention).
    public var topics: [String]
    /// Partition assignment strategy. Default: ``AssignmentStrategy/range``.
    public var assignmentStrategy: AssignmentStrategy = .range
    /// `session.timeout.ms`. Default: 45 s (librdkafka's default; tests use 6 s).
    public var sessionTimeout: Duration = .seconds(45)
    /// `max.poll.interval.ms`. The consumer polls continuously, so this only bounds a stuck revocation. Default: 300 s.
    public var maximumPollInterval: Duration = .seconds(300)
    /// `statistics.interval.ms`: how often ``KafkaConsumerEvent/statistics(_:)`` is emitted; `nil` disables.
    /// Default: nil.
    public var statisticsInterval: Duration? = nil
    /// How long a revocation waits for ``KafkaRevocation/finish(committing:)`` before letting partitions go
    /// without committing. Default: 10 s.
    public var revocationTimeout: Duration = .seconds(10)
    /// `auto.offset.reset` for partitions without a committed offset. Default: `earliest`.
    public var autoOffsetReset: String = "earliest"
    /// The most records one ``KafkaConsumerEvent/records(_:)`` event carries. Default: 1000.
    public var maximumRecordsPerEvent: Int = 1000
    /// The most bytes (keys + values) of records handed over on ``KafkaConsumer/events`` and not yet taken by its
    /// reader: above it, the poll loop pauses the assigned partitions (polling goes on) until the reader has taken
    /// enough to be back at half of it; the pause purges what librdkafka pre-fetched for them, which is fetched
    /// again on resume. `nil` means no bound. Default: 8 MiB.
    public var maximumHandoffBytes: Int? = 8_388_608
    /// How long the poll thread waits in `rd_kafka_consumer_poll` when idle. Default: 100 ms.
    public var pollTimeout: Duration = .milliseconds(100)
    /// With ``AssignmentStrategy/cooperativeSticky``: how long ``KafkaConsumer/close()`` keeps polling for the first
    /// assignment before closing (see the warning there). Default: 15 s.
    public var firstAssignmentWaitOnClose: Duration = .seconds(15)
    /// A gap between two iterations of the poll loop longer than this is recorded
    /// (``KafkaConsumer/lastLongPollGapInstant``): the process was stopped or the loop wedged for that long, and the
    /// group may have evicted the member meanwhile. `nil` records none. Default: nil.
    public var suspectPollGap: Duration? = nil
    /// Extra librdkafka properties, passed through verbatim (they override the typed fields above).
    ///
    /// Default: empty; `queued.max.messages.kbytes` is set to 16384 (16 MiB) unless given here, to bound the
    /// memory librdkafka uses for prefetching.
    public var properties: [String: String] = [:]

    /// Creates a configuration with the required fields and documented defaults for the rest.
    public init(bootstrapServers: String, groupID: String, topics: [String]) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
        self.topics = topics
    }

    /// The librdkafka key/value pairs, in the order they are applied (later wins).
    var librdkafkaProperties: [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] =
            [
                ("bootstrap.servers", bootstrapServers),
                ("group.id", groupID),
                ("partition.assignment.strategy", assignmentStrategy.rawValue),
                ("session.timeout.ms", String(sessionTimeout.wholeMilliseconds)),
                ("max.poll.interval.ms", String(maximumPollInterval.wholeMilliseconds)),
                ("auto.offset.reset", autoOffsetReset),
                ("queued.max.messages.kbytes", "16384"),
            ] + reconnectBackoff
        if let statisticsInterval {
            pairs.append(("statistics.interval.ms", String(statisticsInterval.wholeMilliseconds)))
        }
        for key in properties.keys.sorted() {
            pairs.append((key, properties[key] ?? ""))
        }
        pairs.append(("enable.auto.commit", "false"))
        pairs.append(("enable.auto.offset.store", "false"))
        return pairs
    }
}

/// How a ``KafkaProducer`` (the dead-letter producer) talks to the brokers.
///
/// Always idempotent with `acks=all`; ``properties`` passes anything else through (TLS, SASL, compression…).
public struct KafkaProducerConfiguration: Sendable {
    /// Comma-separated `host:port` list. Required.
    public var bootstrapServers: String
    /// `message.timeout.ms`: how long a send may be retried before it fails. Default: 30 s.
    public var messageTimeout: Duration = .seconds(30)
    /// Extra librdkafka properties, passed through verbatim. Default: empty.
    public var properties: [String: String] = [:]

    /// Creates a configuration with the documented defaults.
    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    /// The librdkafka key/value pairs, in the order they are applied (later wins).
    var librdkafkaProperties: [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] =
            [
                ("bootstrap.servers", bootstrapServers),
                ("message.timeout.ms", String(messageTimeout.wholeMilliseconds)),
            ] + reconnectBackoff
        for key in properties.keys.sorted() {
            pairs.append((key, properties[key] ?? ""))
        }
        pairs.append(("enable.idempotence", "true"))
        pairs.append(("acks", "all"))
        return pairs
    }
}

/// How often a client reconnects to a broker that refused or dropped it: from 500 ms, doubling up to 10 s (with
/// librdkafka's ±jitter), unless `properties` say otherwise. A TLS or authentication failure is retried at that pace
/// rather than several times a second.
let reconnectBackoff: [(key: String, value: String)] = [
    ("reconnect.backoff.ms", "500"),
    ("reconnect.backoff.max.ms", "10000"),
]

extension Duration {
    /// The duration in whole milliseconds (rounded down), clamped to `Int32` range as librdkafka expects.
    var wholeMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
