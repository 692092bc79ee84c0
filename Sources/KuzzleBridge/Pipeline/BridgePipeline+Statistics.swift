import BridgeCore
import Logging

extension BridgePipeline {
    /// Logs the stats line and publishes the snapshot and systemd status with it.
    func logStatistics(now: ContinuousClock.Instant) {
        let counters = core.counters
        statistics.committed = counters.committed
        let interval = statistics.takeInterval(now: now, written: counters.written)
        let lag = statistics.lag
        let partitions = Set(lag.keys).union(counters.committed.keys).sorted { $0.description < $1.description }
        let perPartition = partitions.map { partition in
            "\(partition):committed=\(counters.committed[partition].map(String.init) ?? "-"),lag=\(lag[partition].map(String.init) ?? "-")"
        }
        let scheduler = core.scheduler
        var metadata: Logger.Metadata = [
            "consumed": "\(counters.consumed)", "written": "\(counters.written)",
            "dead_lettered": "\(counters.deadLettered)", "halted": "\(counters.halted)",
            "retries": "\(counters.retries)", "requests": "\(counters.requests)",
            "overloads": "\(counters.overloads)", LogKeys.concurrencyLimit: "\(scheduler.maximumConcurrentBatches)",
            "in_flight.documents": "\(counters.inFlightDocuments)", "in_flight.batches": "\(scheduler.inFlightCount)",
            "queued.batches": "\(scheduler.queuedCount)", "memory.bytes": "\(core.tracker.flowControl.bytesInMemory)",
            "docs_per_s": "\(Int(interval.documentsPerSecond.rounded()))", "lag": "\(statistics.totalLag)",
            "partitions": "\(perPartition.joined(separator: ";"))",
        ]
        if counters.droppedByLease > 0 { metadata["dropped_by_lease"] = "\(counters.droppedByLease)" }
        if configuration.writer.fence.isEnabled { metadata["fenced_stale"] = "\(counters.fencedStale)" }
        if !counters.skippedByTopic.isEmpty { metadata["skipped"] = "\(Self.perTopic(counters.skippedByTopic))" }
        if !counters.truncatesByTopic.isEmpty { metadata["truncates"] = "\(Self.perTopic(counters.truncatesByTopic))" }
        if let p50 = interval.p50 { metadata["kuzzle.p50_ms"] = "\(Int(p50.milliseconds.rounded()))" }
        if let p99 = interval.p99 { metadata["kuzzle.p99_ms"] = "\(Int(p99.milliseconds.rounded()))" }
        logger.info("stats", metadata: metadata)
        var figures = snapshot(now: now)
        figures.latencyP50 = interval.p50
        figures.latencyP99 = interval.p99
        hooks.statistics(figures)
        let halted = core.haltedPartitions
        var state =
            core.isStopping
            ? "stopping"
            : (halted.isEmpty ? "running" : "running, \(halted.count) partition(s) halted")
        if let cause = connectionHealth.failingCause {
            state = "cannot connect to Kafka: \(cause.rawValue) failure (\(cause.hint))"
        }
        hooks.status(
            "\(state); lag \(statistics.totalLag); \(Int(interval.documentsPerSecond.rounded())) docs/s; written \(counters.written); dead-lettered \(counters.deadLettered)"
        )
    }

    /// The figures handed to ``PipelineHooks/statistics`` (about once a second).
    func snapshot(now: ContinuousClock.Instant) -> PipelineSnapshot {
        let counters = core.counters
        statistics.committed = counters.committed
        var snapshot = PipelineSnapshot(
            takenAt: now,
            consumed: counters.consumed,
            written: counters.written,
            deadLettered: counters.deadLettered,
            halted: counters.halted,
            retries: counters.retries,
            requests: counters.requests,
            overloads: counters.overloads,
            inFlightDocuments: counters.inFlightDocuments,
            inFlightBatches: core.scheduler.inFlightCount,
            queuedBatches: core.scheduler.queuedCount,
            concurrencyLimit: core.scheduler.maximumConcurrentBatches,
            bufferedBytes: core.tracker.flowControl.bytesInMemory,
            isPausedByBackpressure: core.tracker.flowControl.isPaused,
            haltedPartitions: Dictionary(
                uniqueKeysWithValues: core.haltedPartitions.map { ($0.key.description, $0.value) }
            ),
            lag: Dictionary(uniqueKeysWithValues: statistics.lag.map { ($0.key.description, $0.value) }),
            committed: Dictionary(uniqueKeysWithValues: counters.committed.map { ($0.key.description, $0.value) }),
            isStopping: core.isStopping
        )
        snapshot.fencedStale = counters.fencedStale
        snapshot.skippedByTopic = counters.skippedByTopic
        snapshot.truncatesByTopic = counters.truncatesByTopic
        return snapshot
    }

    /// `topic=count;topic=count`, sorted by topic, for the stats line.
    static func perTopic(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }
}
