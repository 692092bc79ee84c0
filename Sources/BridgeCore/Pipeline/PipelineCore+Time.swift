extension PipelineCore {
    // MARK: - Timer

    /// The periodic work: seals batches due by age, retries due dead letters, commits progress, repeats halt
    /// lines, says when the snapshot and the stats line are due, watches the lease, and finishes revocations and
    /// the stop whose deadlines passed.
    /// - Parameters:
    ///   - now: The current instant.
    ///   - lastPoll: When the consumer's poll loop last ran an iteration.
    ///   - pollGapSeen: When the poll loop last saw a gap between two iterations longer than the lease's gap
    ///     (`nil` if never).
    public mutating func tick(
        now: ContinuousClock.Instant,
        lastPoll: ContinuousClock.Instant,
        pollGapSeen: ContinuousClock.Instant? = nil,
        into actions: inout [PipelineAction]
    ) {
        guard phase != .finished else { return }
        watchLease(now: now, lastPoll: lastPoll, pollGapSeen: pollGapSeen, into: &actions)
        for sealed in accumulator.tick(now: now) { enqueue(sealed, into: &actions) }
        retryDueDeadLetters(now: now, into: &actions)
        if now - lastCommitAt >= parameters.commitInterval {
            lastCommitAt = now
            if let commit = tracker.commitIfProgress() { perform([commit], now: now, into: &actions) }
        }
        if now - lastSnapshotAt >= .seconds(1) {
            lastSnapshotAt = now
            actions.append(.notice(.snapshotDue))
        }
        for (partition, halt) in halts where now - halt.remindedAt >= parameters.haltReminderInterval {
            halts[partition]?.remindedAt = now
            actions.append(.notice(.stillHalted(partition, reason: halt.reason)))
        }
        if parameters.statisticsInterval > .zero, now - lastStatisticsAt >= parameters.statisticsInterval {
            lastStatisticsAt = now
            actions.append(.notice(.statisticsDue))
        }
        settle(now: now, into: &actions)
    }

    /// Finishes the revocations and the stop whose conditions hold. Called after every input.
    public mutating func settle(now: ContinuousClock.Instant, into actions: inout [PipelineAction]) {
        checkRevocations(now: now, into: &actions)
        checkStop(now: now, into: &actions)
    }

    /// Suspends sending when the poll loop (or the core's own ticks: the whole process was stopped) had a gap longer
    /// than the lease allows, and resumes after ``Parameters/leaseRecovery`` of gap-free polling with no revoke or
    /// lost partition.
    mutating func watchLease(
        now: ContinuousClock.Instant,
        lastPoll: ContinuousClock.Instant,
        pollGapSeen: ContinuousClock.Instant?,
        into actions: inout [PipelineAction]
    ) {
        defer { lastTickAt = now }
        let gap = parameters.leaseGap
        var gapSeenAt: ContinuousClock.Instant?
        var longest: Duration = .zero
        if let lastTickAt, now - lastTickAt > gap {
            gapSeenAt = now
            longest = now - lastTickAt
        }
        if now - lastPoll > gap {
            gapSeenAt = now
            longest = max(longest, now - lastPoll)
        }
        if let pollGapSeen, now - pollGapSeen < parameters.leaseRecovery {
            gapSeenAt = max(gapSeenAt ?? pollGapSeen, pollGapSeen)
            longest = max(longest, gap)
        }
        if let gapSeenAt {
            let wasSuspended = suspendedSince != nil
            suspendedSince = max(suspendedSince ?? gapSeenAt, gapSeenAt)
            if !wasSuspended {
                actions.append(.notice(.leaseSuspended(gap: longest)))
                publishLease(into: &actions)
            }
            return
        }
        guard let since = suspendedSince, now - since >= parameters.leaseRecovery else { return }
        suspendedSince = nil
        actions.append(.notice(.leaseRestored))
        publishLease(into: &actions)
        // What the scheduler released meanwhile, minus what is no longer owned, goes now.
        dropUnowned(into: &actions)
        let held = heldBatches
        heldBatches = []
        for batch in held {
            counters.inFlightDocuments += batch.documentCount
            actions.append(.send(batch))
        }
    }

    // MARK: - Stop

    /// Asks for a stop. The first graceful one pauses every partition, seals every batch and drains up to the drain
    /// timeout; an immediate one, or a second one, stops now, committing only what is done.
    public mutating func stop(immediate: Bool, now: ContinuousClock.Instant, into actions: inout [PipelineAction]) {
        switch phase {
        case .running:
            phase = .stopping(deadline: immediate ? now : now + parameters.drainTimeout)
            actions.append(.notice(.stopStarted(immediate: immediate)))
            let owned = tracker.ownedPartitions
            if !owned.isEmpty { actions.append(.pause(owned)) }
            for sealed in accumulator.sealAll() { enqueue(sealed, into: &actions) }
        case .stopping:
            phase = .stopping(deadline: now)
            actions.append(.notice(.stopEscalated))
        case .finished:
            return
        }
        settle(now: now, into: &actions)
    }

    /// Ends the run once everything in flight settled, or at the stop deadline: pending revocations are finished,
    /// then the final commit.
    mutating func checkStop(now: ContinuousClock.Instant, into actions: inout [PipelineAction]) {
        guard case .stopping(let deadline) = phase else { return }
        let drained = scheduler.isIdle && accumulator.isEmpty && deadLetters.isEmpty
        guard drained || now >= deadline else { return }
        if !drained {
            actions.append(
                .notice(
                    .drainTimedOut(
                        inFlightBatches: scheduler.inFlightCount,
                        queuedBatches: scheduler.queuedCount,
                        deadLetters: deadLetters.count
                    )
                )
            )
        }
        phase = .finished
        checkRevocations(now: now, into: &actions)
        if case .commitFinal(let offsets) = tracker.shutdown() {
            counters.committed.merge(offsets) { max($0, $1) }
            actions.append(.commitFinal(offsets))
            actions.append(.notice(.finalCommit(offsets)))
        }
        actions.append(.notice(.statisticsDue))
        actions.append(.finish)
    }
}
