import BridgeCore
import Logging
import RdKafka

extension BridgePipeline {
    /// Turns a core notice into its log line or hook call.
    func report(_ notice: PipelineNotice) {
        let now = ContinuousClock.now
        switch notice {
        case .assigned(let partitions, let epoch, let first):
            logger.notice(
                "Partitions assigned",
                metadata: [LogKeys.kafkaPartition: "\(Self.list(partitions))", "kafka.epoch": "\(epoch.rawValue)"]
            )
            if first { becameReady() }
        case .revocationStarted(let partitions):
            logger.notice(
                "Partitions revoked: finishing their in-flight events before committing and letting them go",
                metadata: [LogKeys.kafkaPartition: "\(Self.list(partitions))"]
            )
        case .revocationFinished:
            break  // logged with the handshake's commit (``PipelineAction/finishRevocation(_:commits:settled:)``)
        case .lost(let partitions):
            logger.warning(
                "Partitions lost without a revoke; nothing committed for them, their queued writes dropped",
                metadata: [LogKeys.kafkaPartition: "\(Self.list(partitions))"]
            )
        case .backpressurePaused(let bytes):
            logger.info(
                "Pausing partitions: in-memory budget reached (backpressure)",
                metadata: ["backpressure.bytes": "\(bytes)"]
            )
        case .backpressureResumed:
            logger.info("Resuming partitions: below the backpressure low mark")
        case .stillHalted(let partition, let reason):
            logger.error(
                "Partition still halted",
                metadata: [
                    LogKeys.kafkaTopic: "\(partition.topic)", LogKeys.kafkaPartition: "\(partition.partition)",
                    LogKeys.error: "\(reason)",
                ]
            )
        case .refused(let request):
            logRefusal(request)
        case .deadLetterFailing(let source, let reason, let attempts):
            logger.error(
                "Dead-letter delivery keeps failing; retrying with backoff, the partition halts if it goes on",
                metadata: [
                    LogKeys.deadLetterTopic: "\(deadLetters?.topic ?? "")", LogKeys.kafkaTopic: "\(source.topic)",
                    LogKeys.kafkaPartition: "\(source.partition)", LogKeys.kafkaOffset: "\(source.offset)",
                    LogKeys.retryAttempt: "\(attempts)", LogKeys.error: "\(reason)",
                ]
            )
        case .deadLettered(let request):
            logger.warning(
                "Event dead-lettered",
                metadata: [
                    LogKeys.kafkaTopic: "\(request.source.topic)",
                    LogKeys.kafkaPartition: "\(request.source.partition)",
                    LogKeys.kafkaOffset: "\(request.source.offset)",
                    LogKeys.deadLetterTopic: "\(deadLetters?.topic ?? "")", LogKeys.error: "\(request.reason)",
                ]
            )
        case .stopStarted(let immediate):
            logger.notice(
                immediate
                    ? "Stopping now: committing only what is done"
                    : "Stopping: flushing batches and waiting for in-flight writes",
                metadata: ["shutdown.drain_timeout": "\(configuration.shutdown.drainTimeout)"]
            )
        case .stopEscalated:
            logger.notice("Second stop request: stopping now, committing only what is done")
        case .drainTimedOut(let inFlight, let queued, let letters):
            logger.warning(
                "Drain timeout reached: in-flight writes are abandoned and will be re-read after restart",
                metadata: [
                    "in_flight.batches": "\(inFlight)", "queued.batches": "\(queued)",
                    "dead_letters.pending": "\(letters)",
                ]
            )
        case .finalCommit:
            break  // logged once the broker answered (``commitFinal()``)
        case .concurrencyChanged(let adjustment):
            logConcurrency(adjustment)
        case .leaseSuspended(let gap):
            logger.error(
                "Send lease suspended: the consumer did not poll for longer than the group allows; this member may have been evicted, so it sends nothing until it has polled without a gap again",
                metadata: ["lease.gap": "\(gap)"]
            )
        case .leaseRestored:
            logger.notice("Send lease restored: polling without a gap again; writes resume")
        case .batchesDropped(let partitions, let documents):
            logger.notice(
                "Dropped unsent writes of partitions this member no longer owns (their new owner re-reads them)",
                metadata: [LogKeys.kafkaPartition: "\(Self.list(partitions))", "documents": "\(documents)"]
            )
        case .skipped(let record, let first):
            let metadata: Logger.Metadata = [
                LogKeys.kafkaTopic: "\(record.source.topic)", LogKeys.kafkaPartition: "\(record.source.partition)",
                LogKeys.kafkaOffset: "\(record.source.offset)", LogKeys.error: "\(record.reason)",
            ]
            if first, record.kind == .truncate {
                logger.warning(
                    "Skipping Debezium truncates on this topic (debezium.truncate: skip; counted in the stats line and the metrics; this warning is not repeated)",
                    metadata: metadata
                )
            } else if first {
                logger.warning(
                    "Skipping Debezium records that carry no row on this topic (counted in the stats line and the metrics; this warning is not repeated)",
                    metadata: metadata
                )
            } else {
                logger.debug("Skipped a Debezium record that carries no row", metadata: metadata)
            }
        case .statisticsDue:
            logStatistics(now: now)
        case .snapshotDue:
            hooks.statistics(snapshot(now: now))
        }
    }

    /// The first assignment: the daemon is ready (test-only behaviours wrap this hook in the test daemon).
    private func becameReady() {
        hooks.ready()
    }

    private func logRefusal(_ request: DeadLetterRequest) {
        let source = request.source
        var metadata: Logger.Metadata = [
            LogKeys.kafkaTopic: "\(source.topic)", LogKeys.kafkaPartition: "\(source.partition)",
            LogKeys.kafkaOffset: "\(source.offset)", LogKeys.error: "\(request.reason)",
        ]
        if let target = request.target {
            metadata[LogKeys.kuzzleIndex] = "\(target.index)"
            metadata[LogKeys.kuzzleCollection] = "\(target.collection)"
        }
        if let id = request.documentID { metadata[LogKeys.kuzzleID] = "\(id)" }
        if let status = request.status { metadata[LogKeys.httpStatus] = "\(status)" }
        if let errorID = request.errorID { metadata[LogKeys.errorID] = "\(errorID)" }
        switch request.origin {
        case .routing: logger.warning("Event cannot be routed", metadata: metadata)
        case .tooLarge: logger.warning("Document too large for Kuzzle", metadata: metadata)
        case .kuzzle: logger.warning("Kuzzle refused a document", metadata: metadata)
        }
    }

    /// Logged once per change, never per request: a decrease caused by overload at notice level, the ordinary
    /// probing at debug. The stats line and the metrics carry the current limit.
    private func logConcurrency(_ adjustment: AdaptiveConcurrency.Adjustment) {
        let metadata: Logger.Metadata = [
            LogKeys.concurrencyLimit: "\(adjustment.limit)", LogKeys.concurrencyPrevious: "\(adjustment.previous)",
            LogKeys.concurrencyReason: "\(adjustment.reason.rawValue)",
            "in_flight.batches": "\(core.scheduler.inFlightCount)", "queued.batches": "\(core.scheduler.queuedCount)",
        ]
        switch adjustment.reason {
        case .overload:
            logger.notice(
                "Writer concurrency lowered: Kuzzle signalled overload (429, 503 or a timeout)",
                metadata: metadata
            )
        case .risingLatency:
            logger.debug("Writer concurrency lowered: Kuzzle answers slower than its baseline", metadata: metadata)
        case .steadyLatency:
            logger.debug("Writer concurrency raised: Kuzzle answers as fast as its baseline", metadata: metadata)
        }
    }

    static func list(_ partitions: [TopicPartition]) -> String {
        partitions.map(\.description).sorted().joined(separator: ",")
    }
}
