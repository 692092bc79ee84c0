/// The pipeline's running totals, kept by ``PipelineCore`` and shown by the stats line, the metrics and the
/// stall detector.
public struct PipelineCounters: Sendable, Equatable {
    /// Records taken in (checked in with the tracker).
    public var consumed = 0
    /// Documents Kuzzle acknowledged.
    public var written = 0
    /// Events acknowledged by the dead-letter topic.
    public var deadLettered = 0
    /// Events that halted their partition.
    public var halted = 0
    /// Kuzzle attempts that failed transiently and were retried (counted as they happen).
    public var retries = 0
    /// Kuzzle requests sent.
    public var requests = 0
    /// Kuzzle requests answered with an overload signal.
    public var overloads = 0
    /// Fenced lines Kuzzle answered 409 because a newer version was stored (`writer.fence`): done, never written or
    /// dead-lettered; also counted in ``written``.
    public var fencedStale = 0
    /// Documents in batches sent and not yet settled.
    public var inFlightDocuments = 0
    /// Documents dropped unsent because their partitions were revoked or lost (their new owner re-reads them).
    public var droppedByLease = 0
    /// Debezium records that carry no row (heartbeats, schema changes, transaction records, logical messages),
    /// skipped with their offsets completed, per topic.
    public var skippedByTopic: [String: Int] = [:]
    /// Debezium truncates (`op: t`) met, per topic, whatever `debezium.truncate` did with them.
    public var truncatesByTopic: [String: Int] = [:]
    /// The next offset committed last, per partition.
    public var committed: [TopicPartition: Int64] = [:]

    /// Creates zeroed counters.
    public init() {}
}

/// A small, fast, seedable random number generator (SplitMix64), so the core's jitter is deterministic in tests.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
