import BridgeCore

/// What the stats line needs besides the core's counters (``PipelineCounters``): lag as librdkafka reports it, the
/// committed points it is measured against, and the request latencies and written count of the last interval.
struct PipelineStatistics: Sendable {
    /// Lag per partition as librdkafka's last statistics reported it (based on the offset committed then).
    var reportedLag: [TopicPartition: Int64] = [:]
    /// High watermark per partition from librdkafka's last statistics.
    var highWatermark: [TopicPartition: Int64] = [:]
    /// Committed next offset per partition, as this process last committed it.
    var committed: [TopicPartition: Int64] = [:]
    /// The written count at the previous stats line, for the rate.
    private var writtenAtLastLine = 0
    private var lastLineAt: ContinuousClock.Instant?
    /// Request latencies since the previous stats line.
    private var latencies: [Duration] = []

    /// Records the latency of one successful request.
    mutating func recordLatency(_ latency: Duration) {
        if latencies.count < 100_000 { latencies.append(latency) }
    }

    /// Lag per partition: the high watermark minus what this process last committed when both are known (fresher
    /// than librdkafka's figure, which only moves at its next statistics), else librdkafka's reported lag.
    var lag: [TopicPartition: Int64] {
        var lag = reportedLag
        for (partition, end) in highWatermark {
            if let committed = committed[partition] { lag[partition] = max(0, end - committed) }
        }
        return lag
    }

    /// Total lag over every partition with a known lag.
    var totalLag: Int64 { lag.values.reduce(0) { $0 + max(0, $1) } }

    /// The interval's figures, given the documents written since start, then starts a new interval.
    mutating func takeInterval(now: ContinuousClock.Instant, written: Int) -> Interval {
        let elapsed = lastLineAt.map { now - $0 } ?? .zero
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(written - writtenAtLastLine) / seconds : 0
        latencies.sort()
        let interval = Interval(
            documentsPerSecond: rate,
            p50: Self.percentile(latencies, 0.50),
            p99: Self.percentile(latencies, 0.99)
        )
        latencies.removeAll(keepingCapacity: true)
        writtenAtLastLine = written
        lastLineAt = now
        return interval
    }

    /// One stats interval's rates and latency percentiles.
    struct Interval: Sendable {
        /// Documents written per second over the interval.
        var documentsPerSecond: Double
        /// Median Kuzzle request latency, if any request completed.
        var p50: Duration?
        /// 99th percentile Kuzzle request latency, if any request completed.
        var p99: Duration?
    }

    private static func percentile(_ sorted: [Duration], _ fraction: Double) -> Duration? {
        guard !sorted.isEmpty else { return nil }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return sorted[max(0, index)]
    }
}

extension Duration {
    /// Milliseconds as a decimal, for log lines.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
