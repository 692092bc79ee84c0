import BridgeCore
import Kuzzle
import Logging
import RdKafka

extension BridgePipeline {
    /// Settles a batch's events from its writer's report, dead-letters or halts what Kuzzle refused, and sends the
    /// batches its completion releases.
    func handle(
        _ report: BatchWriteReport,
        now: ContinuousClock.Instant,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) {
        let batch = report.batch
        statistics.requests += report.requests
        statistics.retries += report.retries
        statistics.overloads += report.overloads
        statistics.inFlightDocuments -= batch.documentCount
        statistics.written += report.writtenPositions.count
        for latency in report.latencies { statistics.recordLatency(latency) }
        hooks.batchWritten(batch.documentCount, report.latencies)

        if report.isFinished {
            // Every source of the batch is done (replaced writes included), except the refused documents, which are
            // done only once dead-lettered.
            if report.rejections.isEmpty {
                perform(tracker.completed(batch.sources), group: &group)
            } else {
                let refused = Set(report.rejections.map { batch.operations[$0.position].source })
                perform(tracker.completed(batch.sources.filter { !refused.contains($0) }), group: &group)
            }
            for rejection in report.rejections {
                let event = batch.operations[rejection.position]
                logRejection(event, rejection, halting: report.haltReason)
                if let haltReason = report.haltReason {
                    halt(event.source, reason: haltReason, group: &group)
                } else {
                    deadLetterOrHalt(
                        DeadLetter(event: event, record: event.originalRecord, rejection: rejection),
                        group: &group
                    )
                }
            }
        } else {
            // Cancelled at the shutdown deadline: only what Kuzzle acknowledged is done.
            perform(tracker.completed(report.writtenPositions.map { batch.operations[$0].source }), group: &group)
        }
        launch(scheduler.complete(batch.id), group: &group)
    }

    private func logRejection(_ event: DocumentEvent, _ rejection: BatchWriteReport.Rejection, halting: String?) {
        var metadata: Logger.Metadata = [
            LogKeys.kafkaTopic: "\(event.source.topic)", LogKeys.kafkaPartition: "\(event.source.partition)",
            LogKeys.kafkaOffset: "\(event.source.offset)", LogKeys.kuzzleIndex: "\(event.target.index)",
            LogKeys.kuzzleCollection: "\(event.target.collection)", LogKeys.kuzzleID: "\(event.id)",
            LogKeys.error: "\(rejection.reason)",
        ]
        if let status = rejection.status { metadata[LogKeys.httpStatus] = "\(status)" }
        if let errorID = rejection.errorID { metadata[LogKeys.errorID] = "\(errorID)" }
        if halting == nil {
            logger.warning("Kuzzle refused a document", metadata: metadata)
        }
    }

    /// Sends `letter` to the dead-letter topic, or halts its partition when none is configured.
    func deadLetterOrHalt(_ letter: DeadLetter, group: inout ThrowingDiscardingTaskGroup<any Error>) {
        guard let deadLetters else {
            halt(letter.source, reason: "\(letter.reason) (no dead_letter.topic configured)", group: &group)
            return
        }
        deadLettersInFlight += 1
        let continuation = inboxContinuation
        group.addTask {
            let delivered = await deadLetters.send(letter)
            continuation.yield(.deadLettered(letter, delivered: delivered))
        }
    }

    /// Marks a dead letter's event done once the broker acknowledged it.
    func handleDeadLettered(_ letter: DeadLetter, delivered: Bool) {
        deadLettersInFlight -= 1
        guard delivered else { return }
        statistics.deadLettered += 1
        logger.warning(
            "Event dead-lettered",
            metadata: [
                LogKeys.kafkaTopic: "\(letter.source.topic)", LogKeys.kafkaPartition: "\(letter.source.partition)",
                LogKeys.kafkaOffset: "\(letter.source.offset)", LogKeys.deadLetterTopic: "\(deadLetters?.topic ?? "")",
                LogKeys.error: "\(letter.reason)",
            ]
        )
        let actions = tracker.deadLettered(
            letter.source.topicPartition,
            offsets: CollectionOfOne(letter.source.offset),
            epoch: letter.source.epoch
        )
        performWithoutGroup(actions)
    }

    /// Holds an event's offset for good and pauses its partition.
    func halt(_ source: EventSource, reason: String, group: inout ThrowingDiscardingTaskGroup<any Error>) {
        statistics.halted += 1
        perform(
            tracker.failed(source.topicPartition, offset: source.offset, epoch: source.epoch, reason: reason),
            group: &group
        )
    }

    /// Carries out the tracker's actions; commits run asynchronously in a child task.
    func perform(_ actions: [OffsetTracker.Action], group: inout ThrowingDiscardingTaskGroup<any Error>) {
        for action in actions {
            if case .commit(let offsets) = action {
                commitAsync(offsets, group: &group)
            } else {
                performWithoutGroup([action])
            }
        }
    }

    /// Carries out the actions that need no child task (pause, resume, halt, synchronous commits).
    func performWithoutGroup(_ actions: [OffsetTracker.Action]) {
        for action in actions {
            switch action {
            case .pause(let partitions):
                logger.info(
                    "Pausing partitions: in-memory budget reached (backpressure)",
                    metadata: ["backpressure.bytes": "\(tracker.flowControl.bytesInMemory)"]
                )
                pause(partitions)
            case .resume(let partitions):
                guard stopDeadline == nil else { continue }
                logger.info("Resuming partitions: below the backpressure low mark")
                do { try consumer.resume(partitions.map(\.kafka)) } catch {
                    logger.warning("Resume failed", error: error)
                }
            case .halt(let partition, let reason):
                haltedPartitions[partition] = (reason, .now)
                logger.error(
                    "Partition halted: its commit point is held until the cause is fixed and the bridge restarted",
                    metadata: [
                        LogKeys.kafkaTopic: "\(partition.topic)", LogKeys.kafkaPartition: "\(partition.partition)",
                        LogKeys.error: "\(reason)",
                    ]
                )
                pause([partition])
            case .commit(let offsets), .commitNow(let offsets), .commitFinal(let offsets):
                commitSynchronously(offsets)
            }
        }
    }

    func pause(_ partitions: Set<TopicPartition>) {
        guard !partitions.isEmpty else { return }
        do { try consumer.pause(partitions.map(\.kafka)) } catch { logger.warning("Pause failed", error: error) }
    }

    private func commitAsync(_ offsets: [TopicPartition: Int64], group: inout ThrowingDiscardingTaskGroup<any Error>) {
        guard !offsets.isEmpty else { return }
        statistics.committed.merge(offsets) { max($0, $1) }
        let consumer = self.consumer
        let logger = self.logger
        let kafkaOffsets = Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.kafka, $0.value) })
        group.addTask {
            do {
                try await consumer.commitAsync(kafkaOffsets)
            } catch {
                logger.warning("Offset commit failed; the next commit supersedes it", error: error)
            }
        }
    }

    /// Commits synchronously (revocation and shutdown): returns once the broker answered.
    func commitSynchronously(_ offsets: [TopicPartition: Int64]) {
        guard !offsets.isEmpty else { return }
        statistics.committed.merge(offsets) { max($0, $1) }
        do {
            try consumer.commit(Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.kafka, $0.value) }))
        } catch {
            logger.error("Synchronous offset commit failed", error: error)
        }
    }
}

extension DocumentEvent {
    /// The record the event came from (the router always keeps it; the fallback only names the source).
    var originalRecord: SourceRecord {
        record
            ?? SourceRecord(
                topic: source.topic,
                partition: source.partition,
                offset: source.offset,
                value: nil,
                epoch: source.epoch
            )
    }
}
