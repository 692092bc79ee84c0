/// The pipeline's figures at one instant, handed to ``PipelineHooks/statistics`` about once a second: totals since
/// start, what is in flight now, and per-partition commit points and lag.
public struct PipelineSnapshot: Sendable, Equatable {
    /// When it was taken.
    public var takenAt: ContinuousClock.Instant
    /// Records taken from Kafka since start.
    public var consumed: Int
    /// Documents Kuzzle acknowledged since start.
    public var written: Int
    /// Events acknowledged by the dead-letter topic since start.
    public var deadLettered: Int
    /// Events that halted their partition since start.
    public var halted: Int
    /// Kuzzle requests that failed transiently and were retried, since start.
    public var retries: Int
    /// Kuzzle requests sent since start.
    public var requests: Int
    /// Kuzzle requests answered with an overload signal (429, 503, 504, a timeout) since start.
    public var overloads: Int
    /// Fenced lines Kuzzle answered 409 because a newer version was stored (`writer.fence`), done without a write.
    public var fencedStale: Int = 0
    /// Debezium records without a row (heartbeats, schema changes…) skipped since start, per topic.
    public var skippedByTopic: [String: Int] = [:]
    /// Debezium truncates met since start, per topic.
    public var truncatesByTopic: [String: Int] = [:]
    /// Documents in batches sent and not yet settled.
    public var inFlightDocuments: Int
    /// Batches being written (or waiting to retry).
    public var inFlightBatches: Int
    /// Sealed batches waiting for a writer slot (or for an earlier write of the same ids).
    public var queuedBatches: Int
    /// The current limit of batches in flight: `writer.concurrency` when fixed, the adaptive limit's value otherwise.
    public var concurrencyLimit: Int
    /// Bytes of events held in memory (buffered, queued or in flight).
    public var bufferedBytes: Int
    /// Whether fetching is paused because ``bufferedBytes`` reached `backpressure.max_buffered_bytes`.
    public var isPausedByBackpressure: Bool
    /// Partitions halted by an event that could not be written nor dead-lettered, with the reason.
    public var haltedPartitions: [String: String]
    /// Consumer lag per partition (`topic/partition`), from librdkafka's statistics.
    public var lag: [String: Int64]
    /// The last committed next offset per partition (`topic/partition`), as this process committed it.
    public var committed: [String: Int64]
    /// Whether the pipeline is stopping.
    public var isStopping: Bool
    /// Median and 99th percentile Kuzzle request latency of the last stats interval, when known.
    public var latencyP50: Duration?
    /// See ``latencyP50``.
    public var latencyP99: Duration?

    /// Total lag over every partition with a known lag (negative values count as 0).
    public var totalLag: Int64 { lag.values.reduce(0) { $0 + max(0, $1) } }

    /// Creates a snapshot; every figure defaults to zero or empty.
    public init(
        takenAt: ContinuousClock.Instant = .now,
        consumed: Int = 0,
        written: Int = 0,
        deadLettered: Int = 0,
        halted: Int = 0,
        retries: Int = 0,
        requests: Int = 0,
        overloads: Int = 0,
        inFlightDocuments: Int = 0,
        inFlightBatches: Int = 0,
        queuedBatches: Int = 0,
        concurrencyLimit: Int = 0,
        bufferedBytes: Int = 0,
        isPausedByBackpressure: Bool = false,
        haltedPartitions: [String: String] = [:],
        lag: [String: Int64] = [:],
        committed: [String: Int64] = [:],
        isStopping: Bool = false,
        latencyP50: Duration? = nil,
        latencyP99: Duration? = nil
    ) {
        self.takenAt = takenAt
        self.consumed = consumed
        self.written = written
        self.deadLettered = deadLettered
        self.halted = halted
        self.retries = retries
        self.requests = requests
        self.overloads = overloads
        self.inFlightDocuments = inFlightDocuments
        self.inFlightBatches = inFlightBatches
        self.queuedBatches = queuedBatches
        self.concurrencyLimit = concurrencyLimit
        self.bufferedBytes = bufferedBytes
        self.isPausedByBackpressure = isPausedByBackpressure
        self.haltedPartitions = haltedPartitions
        self.lag = lag
        self.committed = committed
        self.isStopping = isStopping
        self.latencyP50 = latencyP50
        self.latencyP99 = latencyP99
    }
}
