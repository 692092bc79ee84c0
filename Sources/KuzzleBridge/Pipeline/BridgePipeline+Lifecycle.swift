import BridgeCore
import Logging
import RdKafka

extension BridgePipeline {
    // MARK: - Rebalances

    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) {
        let assigned = partitions.map(TopicPartition.init)
        let epoch = tracker.assigned(assigned)
        for partition in assigned { haltedPartitions[partition] = nil }
        logger.notice(
            "Partitions assigned",
            metadata: [
                LogKeys.kafkaPartition: "\(assigned.map(\.description).sorted().joined(separator: ","))",
                "kafka.epoch": "\(epoch.rawValue)",
            ]
        )
        if stopDeadline != nil { pause(Set(assigned)) }
        if !isReady {
            isReady = true
            hooks.ready()
        }
    }

    func partitionsRevoked(
        _ partitions: [KafkaTopicPartition],
        revocation: KafkaRevocation,
        now: ContinuousClock.Instant,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) {
        let revoked = Set(partitions.map(TopicPartition.init))
        logger.notice(
            "Partitions revoked: finishing their in-flight events before committing and letting them go",
            metadata: [LogKeys.kafkaPartition: "\(revoked.map(\.description).sorted().joined(separator: ","))"]
        )
        for action in accumulator.seal(partitions: revoked) { enqueue(action, group: &group) }
        pendingRevocations.append(
            PendingRevocation(
                partitions: revoked,
                revocation: revocation,
                deadline: now + configuration.shutdown.drainTimeout
            )
        )
    }

    /// Finishes each revocation whose partitions have nothing in flight any more (or whose deadline passed):
    /// commits synchronously what is done and lets the partitions go.
    func checkRevocations(now: ContinuousClock.Instant) {
        guard !pendingRevocations.isEmpty else { return }
        pendingRevocations.removeAll { pending in
            let settled = tracker.isSettled(pending.partitions)
            guard settled || now >= pending.deadline || stopDeadline.map({ now >= $0 }) == true else { return false }
            var commits: [TopicPartition: Int64] = [:]
            var others: [OffsetTracker.Action] = []
            for action in tracker.revoked(pending.partitions) {
                if case .commitNow(let offsets) = action { commits = offsets } else { others.append(action) }
            }
            statistics.committed.merge(commits) { max($0, $1) }
            pending.revocation.finish(
                committing: Dictionary(uniqueKeysWithValues: commits.map { ($0.key.kafka, $0.value) })
            )
            for partition in pending.partitions { haltedPartitions[partition] = nil }
            logger.notice(
                settled
                    ? "Revocation finished: handing what is done to the consumer's commit"
                    : "Revocation deadline passed: handing what is done to the consumer's commit",
                metadata: [
                    "kafka.commits": "\(commits.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ","))"
                ]
            )
            performWithoutGroup(others)
            return true
        }
    }

    // MARK: - Timer

    func tick(now: ContinuousClock.Instant, group: inout ThrowingDiscardingTaskGroup<any Error>) {
        for action in accumulator.tick(now: now) { enqueue(action, group: &group) }
        if now - lastCommitAt >= commitInterval {
            lastCommitAt = now
            if let commit = tracker.commitIfProgress() { perform([commit], group: &group) }
            hooks.statistics(snapshot(now: now))
        }
        for (partition, halted) in haltedPartitions where now - halted.loggedAt >= haltReminderInterval {
            haltedPartitions[partition]?.loggedAt = now
            logger.error(
                "Partition still halted",
                metadata: [
                    LogKeys.kafkaTopic: "\(partition.topic)", LogKeys.kafkaPartition: "\(partition.partition)",
                    LogKeys.error: "\(halted.reason)",
                ]
            )
        }
        // A zero `logging.stats_interval` turns the stats line off.
        if configuration.logging.statsInterval > .zero, now - lastStatsAt >= configuration.logging.statsInterval {
            lastStatsAt = now
            logStatistics(now: now)
        }
        if consumer.isPolling { hooks.heartbeat() }
    }

    func logStatistics(now: ContinuousClock.Instant) {
        let interval = statistics.takeInterval(now: now)
        let lag = statistics.lag
        let partitions = Set(lag.keys).union(statistics.committed.keys).sorted {
            $0.description < $1.description
        }
        let perPartition = partitions.map { partition in
            "\(partition):committed=\(statistics.committed[partition].map(String.init) ?? "-"),lag=\(lag[partition].map(String.init) ?? "-")"
        }
        var metadata: Logger.Metadata = [
            "consumed": "\(statistics.consumed)", "written": "\(statistics.written)",
            "dead_lettered": "\(statistics.deadLettered)", "halted": "\(statistics.halted)",
            "retries": "\(statistics.retries)", "requests": "\(statistics.requests)",
            "overloads": "\(statistics.overloads)", LogKeys.concurrencyLimit: "\(scheduler.maximumConcurrentBatches)",
            "in_flight.documents": "\(statistics.inFlightDocuments)", "in_flight.batches": "\(scheduler.inFlightCount)",
            "queued.batches": "\(scheduler.queuedCount)", "memory.bytes": "\(tracker.flowControl.bytesInMemory)",
            "docs_per_s": "\(Int(interval.documentsPerSecond.rounded()))", "lag": "\(statistics.totalLag)",
            "partitions": "\(perPartition.joined(separator: ";"))",
        ]
        if let p50 = interval.p50 { metadata["kuzzle.p50_ms"] = "\(Int(p50.milliseconds.rounded()))" }
        if let p99 = interval.p99 { metadata["kuzzle.p99_ms"] = "\(Int(p99.milliseconds.rounded()))" }
        logger.info("stats", metadata: metadata)
        var figures = snapshot(now: now)
        figures.latencyP50 = interval.p50
        figures.latencyP99 = interval.p99
        hooks.statistics(figures)
        let state =
            stopDeadline != nil
            ? "stopping"
            : (haltedPartitions.isEmpty ? "running" : "running, \(haltedPartitions.count) partition(s) halted")
        hooks.status(
            "\(state); lag \(statistics.totalLag); \(Int(interval.documentsPerSecond.rounded())) docs/s; written \(statistics.written); dead-lettered \(statistics.deadLettered)"
        )
    }

    /// The figures handed to ``PipelineHooks/statistics`` (once a second, from ``tick(now:group:)``).
    func snapshot(now: ContinuousClock.Instant) -> PipelineSnapshot {
        PipelineSnapshot(
            takenAt: now,
            consumed: statistics.consumed,
            written: statistics.written,
            deadLettered: statistics.deadLettered,
            halted: statistics.halted,
            retries: statistics.retries,
            requests: statistics.requests,
            overloads: statistics.overloads,
            inFlightDocuments: statistics.inFlightDocuments,
            inFlightBatches: scheduler.inFlightCount,
            queuedBatches: scheduler.queuedCount,
            concurrencyLimit: scheduler.maximumConcurrentBatches,
            bufferedBytes: tracker.flowControl.bytesInMemory,
            isPausedByBackpressure: tracker.flowControl.isPaused,
            haltedPartitions: Dictionary(
                uniqueKeysWithValues: haltedPartitions.map { ($0.key.description, $0.value.reason) }
            ),
            lag: Dictionary(uniqueKeysWithValues: statistics.lag.map { ($0.key.description, $0.value) }),
            committed: Dictionary(uniqueKeysWithValues: statistics.committed.map { ($0.key.description, $0.value) }),
            isStopping: stopDeadline != nil
        )
    }

    // MARK: - Stop

    func beginStop(_ mode: StopMode, now: ContinuousClock.Instant, group: inout ThrowingDiscardingTaskGroup<any Error>)
    {
        if stopDeadline != nil {
            stopDeadline = now
            logger.notice("Second stop request: stopping now, committing only what is done")
            return
        }
        stopDeadline = mode == .immediate ? now : now + configuration.shutdown.drainTimeout
        hooks.stopping()
        logger.notice(
            "Stopping: flushing batches and waiting for in-flight writes",
            metadata: ["shutdown.drain_timeout": "\(configuration.shutdown.drainTimeout)"]
        )
        pause(tracker.ownedPartitions)
        for action in accumulator.sealAll() { enqueue(action, group: &group) }
    }

    /// Ends the run once everything in flight settled, or at the stop deadline: the final synchronous commit.
    func checkStop(now: ContinuousClock.Instant) {
        guard let deadline = stopDeadline, !finished else { return }
        let drained = scheduler.isIdle && accumulator.isEmpty && deadLettersInFlight == 0
        guard drained || now >= deadline else { return }
        if !drained {
            logger.warning(
                "Drain timeout reached: in-flight writes are abandoned and will be re-read after restart",
                metadata: [
                    "in_flight.batches": "\(scheduler.inFlightCount)", "queued.batches": "\(scheduler.queuedCount)",
                ]
            )
        }
        checkRevocations(now: .now + .seconds(1_000_000))
        if case .commitFinal(let offsets) = tracker.shutdown() {
            commitSynchronously(offsets)
            logger.notice(
                "Final offsets committed",
                metadata: [
                    "kafka.commits": "\(offsets.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ","))"
                ]
            )
        }
        logStatistics(now: now)
        finished = true
    }
}
