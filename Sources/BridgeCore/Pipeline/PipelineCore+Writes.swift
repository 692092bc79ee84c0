extension PipelineCore {
    // MARK: - Write outcomes

    /// Settles a batch from its writer's outcome: completes what Kuzzle acknowledged, dead-letters or halts what it
    /// refused, re-queues what an abandoned writer left (for the partitions still owned), and sends the batches the
    /// completion releases. An outcome of a batch the scheduler does not know (after the final commit) is ignored.
    public mutating func written(
        _ outcome: BatchOutcome,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        guard phase != .finished, let batch = scheduler.inFlightBatch(outcome.batchID) else { return }
        counters.requests += outcome.requests
        counters.overloads += outcome.overloads
        counters.fencedStale += outcome.fencedStale
        counters.inFlightDocuments -= batch.documentCount
        counters.written += outcome.writtenPositions.count
        if outcome.abandoned {
            // Nothing more was sent. Re-sending the whole batch is harmless (the same operations, in the same order,
            // end in the same state), so what is still owned goes back to the head of its target's queue.
            let remainder = retainingOwned(batch)
            dispatch(scheduler.complete(batch.id, requeueing: remainder), into: &actions)
            return
        }
        if outcome.isFinished {
            // Every source of the batch is done (superseded writes included), except the refused events, which are
            // done only once dead-lettered.
            if outcome.refusals.isEmpty {
                perform(tracker.completed(batch.sources), now: now, into: &actions)
            } else {
                let refused = Set(outcome.refusals.map(\.event.source))
                perform(tracker.completed(batch.sources.filter { !refused.contains($0) }), now: now, into: &actions)
            }
            for refusal in outcome.refusals {
                let event = refusal.event
                if let haltReason = outcome.haltReason {
                    halt(event.source, reason: haltReason, now: now, into: &actions)
                } else {
                    deadLetterOrHalt(
                        origin: .kuzzle,
                        record: event.originalRecord,
                        event: event,
                        kind: "kuzzle:rejected",
                        reason: refusal.reason,
                        status: refusal.status,
                        errorID: refusal.errorID,
                        now: now,
                        into: &actions
                    )
                }
            }
        } else {
            // Cancelled: only what Kuzzle acknowledged is done.
            var sources = outcome.writtenSources
            if sources.isEmpty {
                sources = outcome.writtenPositions.compactMap { position in
                    batch.operations.indices.contains(position) ? batch.operations[position].source : nil
                }
            }
            perform(tracker.completed(sources), now: now, into: &actions)
        }
        dispatch(scheduler.complete(batch.id), into: &actions)
    }

    /// A writer retried an attempt (reported as it happens, so the stall detector sees retries live).
    public mutating func retried(count: Int = 1) {
        counters.retries += count
    }

    /// Feeds one Kuzzle request's outcome to the adaptive limit and applies its change: a raised limit sends queued
    /// batches at once; a lowered one cancels nothing.
    public mutating func observe(
        _ observation: AdaptiveConcurrency.Observation,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        guard phase != .finished,
            let adjustment = adaptiveLimit?.observe(observation, inFlight: scheduler.inFlightCount, now: now)
        else { return }
        actions.append(.notice(.concurrencyChanged(adjustment)))
        dispatch(scheduler.setConcurrencyLimit(adjustment.limit), into: &actions)
    }

    /// The part of `batch` whose partitions are still owned under the epochs its events were received with, or
    /// `nil` when nothing of it is.
    func retainingOwned(_ batch: DocumentBatch) -> DocumentBatch? {
        if lease.ownsEverySource(of: batch) { return batch }
        let epochs = lease.epochs
        return batch.retaining { epochs[$0.topicPartition] == $0.epoch }
    }

    // MARK: - Dead letters and halts

    /// Sends an event to the dead-letter topic, or halts its partition when none is configured.
    mutating func deadLetterOrHalt(
        origin: DeadLetterRequest.Origin,
        record: SourceRecord,
        event: DocumentEvent?,
        kind: String,
        reason: String,
        status: Int? = nil,
        errorID: String? = nil,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        let request = DeadLetterRequest(
            ticket: nextDeadLetterTicket,
            origin: origin,
            record: record,
            target: event?.target,
            documentID: event?.id,
            kind: kind,
            reason: reason,
            status: status,
            errorID: errorID
        )
        actions.append(.notice(.refused(request)))
        guard parameters.hasDeadLetterTopic else {
            halt(record.source, reason: "\(reason) (no dead_letter.topic configured)", now: now, into: &actions)
            return
        }
        nextDeadLetterTicket += 1
        deadLetters[request.ticket] = PendingDeadLetter(
            request: request,
            backoff: Backoff(schedule: parameters.deadLetterRetry)
        )
        actions.append(.deadLetter(request))
    }

    /// The broker acknowledged a dead letter: its event is done.
    public mutating func deadLetterDelivered(
        _ ticket: UInt64,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        guard phase != .finished, let pending = deadLetters.removeValue(forKey: ticket) else { return }
        let source = pending.request.source
        counters.deadLettered += 1
        actions.append(.notice(.deadLettered(pending.request)))
        perform(
            tracker.deadLettered(source.topicPartition, offsets: CollectionOfOne(source.offset), epoch: source.epoch),
            now: now,
            into: &actions
        )
    }

    /// A dead-letter attempt failed: retried with backoff, reported at most once per reminder interval; after
    /// failing for ``Parameters/deadLetterHaltAfter`` the event halts its partition instead of being retried
    /// silently for ever.
    public mutating func deadLetterFailed(
        _ ticket: UInt64,
        reason: String,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        guard phase != .finished, var pending = deadLetters[ticket] else { return }
        let firstFailure = pending.firstFailureAt ?? now
        pending.firstFailureAt = firstFailure
        pending.isSending = false
        if now - firstFailure >= parameters.deadLetterHaltAfter {
            deadLetters[ticket] = nil
            halt(
                pending.request.source,
                reason: "the dead-letter topic has refused this event since \(now - firstFailure): \(reason)",
                now: now,
                into: &actions
            )
            return
        }
        if pending.reportedAt.map({ now - $0 >= parameters.haltReminderInterval }) ?? true {
            pending.reportedAt = now
            actions.append(
                .notice(.deadLetterFailing(pending.request.source, reason: reason, attempts: pending.request.attempt))
            )
        }
        pending.retryAt = now + pending.backoff.failed(using: &random)
        deadLetters[ticket] = pending
    }

    /// Sends again the dead letters whose retry is due.
    mutating func retryDueDeadLetters(now: ContinuousClock.Instant, into actions: inout [PipelineAction]) {
        guard !deadLetters.isEmpty else { return }
        for ticket in deadLetters.keys.sorted() {
            guard var pending = deadLetters[ticket], !pending.isSending, let due = pending.retryAt, due <= now
            else { continue }
            pending.isSending = true
            pending.retryAt = nil
            pending.request.attempt += 1
            deadLetters[ticket] = pending
            actions.append(.deadLetter(pending.request))
        }
    }

    /// Holds an event's offset for good and pauses its partition (once per partition).
    mutating func halt(
        _ source: EventSource,
        reason: String,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        counters.halted += 1
        perform(
            tracker.failed(source.topicPartition, offset: source.offset, epoch: source.epoch, reason: reason),
            now: now,
            into: &actions
        )
    }
}
