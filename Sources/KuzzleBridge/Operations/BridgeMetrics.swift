import CoreMetrics
import Prometheus
import Synchronization

/// The bridge's Prometheus metrics, fed from ``PipelineSnapshot``s through swift-metrics handlers backed by a
/// private `PrometheusCollectorRegistry` (never the process-wide `MetricsSystem`, so several can coexist in tests).
///
/// Counters (`*_total`) follow the pipeline's totals (overload answers included); gauges give what is in flight, the
/// writer's current concurrency limit, the lag per partition and the last stats interval's Kuzzle request latency
/// percentiles.
public final class BridgeMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let counters: [String: CoreMetrics.Counter]
    private let gauges: [String: CoreMetrics.Gauge]
    private let previous = Mutex<PipelineSnapshot?>(nil)
    private let lagGauges = Mutex<[String: CoreMetrics.Gauge]>([:])
    /// Per-topic counters (`kuzzle_bridge_skipped_records_total`, `kuzzle_bridge_truncates_total`), by name and topic.
    private let topicCounters = Mutex<[String: CoreMetrics.Counter]>([:])
    /// Histogram of Kuzzle bulk request durations.
    private let requestDuration: CoreMetrics.Timer
    /// Histogram of documents per batch sent.
    private let batchDocuments: CoreMetrics.Recorder

    /// The counter names, each followed by how a snapshot gives its total.
    private static let counterSources: [(String, @Sendable (PipelineSnapshot) -> Int)] = [
        ("kuzzle_bridge_consumed_total", \.consumed), ("kuzzle_bridge_written_total", \.written),
        ("kuzzle_bridge_dead_lettered_total", \.deadLettered), ("kuzzle_bridge_halted_total", \.halted),
        ("kuzzle_bridge_retries_total", \.retries), ("kuzzle_bridge_kuzzle_requests_total", \.requests),
        ("kuzzle_bridge_kuzzle_overloads_total", \.overloads),
        ("kuzzle_bridge_fenced_stale_total", \.fencedStale),
    ]

    /// The gauge names, each followed by how a snapshot gives its value (`nil`: unchanged, e.g. latency between stats lines).
    private static let gaugeSources: [(String, @Sendable (PipelineSnapshot) -> Double?)] = [
        ("kuzzle_bridge_lag", { Double($0.totalLag) }),
        ("kuzzle_bridge_in_flight_documents", { Double($0.inFlightDocuments) }),
        ("kuzzle_bridge_in_flight_batches", { Double($0.inFlightBatches) }),
        ("kuzzle_bridge_queued_batches", { Double($0.queuedBatches) }),
        ("kuzzle_bridge_concurrency_limit", { Double($0.concurrencyLimit) }),
        ("kuzzle_bridge_buffered_bytes", { Double($0.bufferedBytes) }),
        ("kuzzle_bridge_paused_by_backpressure", { $0.isPausedByBackpressure ? 1 : 0 }),
        ("kuzzle_bridge_halted_partitions", { Double($0.haltedPartitions.count) }),
        ("kuzzle_bridge_kuzzle_request_p50_seconds", { $0.latencyP50.map(BridgeMetrics.seconds) }),
        ("kuzzle_bridge_kuzzle_request_p99_seconds", { $0.latencyP99.map(BridgeMetrics.seconds) }),
    ]

    /// Creates the metrics, all at zero.
    public init() {
        let factory = PrometheusMetricsFactory(registry: registry)
        self.factory = factory
        counters = Dictionary(
            uniqueKeysWithValues: Self.counterSources.map { ($0.0, Counter(label: $0.0, factory: factory)) }
        )
        gauges = Dictionary(
            uniqueKeysWithValues: Self.gaugeSources.map { ($0.0, CoreMetrics.Gauge(label: $0.0, factory: factory)) }
        )
        requestDuration = CoreMetrics.Timer(label: "kuzzle_bridge_kuzzle_request_duration_seconds", factory: factory)
        batchDocuments = CoreMetrics.Recorder(label: "kuzzle_bridge_batch_documents", aggregate: true, factory: factory)
    }

    /// Records one finished batch: its size and each of its requests' duration.
    public func recordBatch(documents: Int, requestLatencies: [Duration]) {
        batchDocuments.record(documents)
        for latency in requestLatencies {
            let (seconds, attoseconds) = latency.components
            requestDuration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }
    }

    /// Brings every metric up to `snapshot` (counters by the difference from the previous snapshot).
    public func update(_ snapshot: PipelineSnapshot) {
        let last = previous.withLock { previous -> PipelineSnapshot? in
            defer { previous = snapshot }
            return previous
        }
        for (name, value) in Self.counterSources {
            let delta = value(snapshot) - (last.map(value) ?? 0)
            if delta > 0 { counters[name]?.increment(by: delta) }
        }
        for (name, value) in Self.gaugeSources {
            if let current = value(snapshot) { gauges[name]?.record(current) }
        }
        updateTopicCounter("kuzzle_bridge_skipped_records_total", snapshot.skippedByTopic, last?.skippedByTopic)
        updateTopicCounter("kuzzle_bridge_truncates_total", snapshot.truncatesByTopic, last?.truncatesByTopic)
        lagGauges.withLock { lagGauges in
            for (partition, lag) in snapshot.lag {
                let gauge =
                    lagGauges[partition]
                    ?? {
                        let made = CoreMetrics.Gauge(
                            label: "kuzzle_bridge_partition_lag",
                            dimensions: [("partition", partition)],
                            factory: factory
                        )
                        lagGauges[partition] = made
                        return made
                    }()
                gauge.record(Double(max(0, lag)))
            }
        }
    }

    /// Adds to the per-topic counter `name` what each topic's total grew by since the last snapshot.
    private func updateTopicCounter(_ name: String, _ totals: [String: Int], _ previous: [String: Int]?) {
        guard !totals.isEmpty else { return }
        topicCounters.withLock { counters in
            for (topic, total) in totals {
                let delta = total - (previous?[topic] ?? 0)
                guard delta > 0 else { continue }
                let key = "\(name)\u{0}\(topic)"
                let counter =
                    counters[key]
                    ?? {
                        let made = Counter(label: name, dimensions: [("topic", topic)], factory: factory)
                        counters[key] = made
                        return made
                    }()
                counter.increment(by: delta)
            }
        }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String { registry.emitToString() }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
