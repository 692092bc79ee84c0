extension PipelineCore {
    // MARK: - Rebalances

    /// Takes ownership of `partitions` under a new epoch.
    ///
    /// A partition still part of a pending revocation (the consumer gave up waiting for it and the group gave it
    /// back at once) leaves that revocation: finishing the old revocation later must not touch the new assignment.
    public mutating func assigned(
        _ partitions: [TopicPartition],
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        guard phase != .finished else { return }
        let epoch = tracker.assigned(partitions)
        for partition in partitions { halts[partition] = nil }
        removeFromPendingRevocations(Set(partitions), now: now, into: &actions)
        let first = !hasBeenAssigned
        hasBeenAssigned = true
        actions.append(.notice(.assigned(partitions, epoch: epoch, first: first)))
        if isStopping, !partitions.isEmpty { actions.append(.pause(Set(partitions))) }
        publishLease(into: &actions)
    }

    /// Starts an orderly revocation: seals the revoked partitions' batches and waits (up to the drain timeout) until
    /// their events are settled, then ``PipelineAction/finishRevocation(_:commits:settled:)``.
    /// - Returns: The ticket under which the shell keeps the Kafka layer's handshake until then.
    @discardableResult
    public mutating func revoked(
        _ partitions: [TopicPartition],
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) -> RevocationTicket {
        let ticket = RevocationTicket(rawValue: nextRevocationTicket)
        nextRevocationTicket += 1
        var epochs: [TopicPartition: AssignmentEpoch] = [:]
        for partition in partitions {
            if let epoch = tracker.epoch(of: partition) { epochs[partition] = epoch }
        }
        actions.append(.notice(.revocationStarted(partitions)))
        if lease.isSuspended { suspendedSince = now }
        for sealed in accumulator.seal(partitions: Set(partitions)) { enqueue(sealed, into: &actions) }
        pendingRevocations.append(
            PendingRevocation(ticket: ticket, partitions: epochs, deadline: now + parameters.drainTimeout)
        )
        checkRevocations(now: now, into: &actions)
        return ticket
    }

    /// Forgets partitions lost without a revoke (another member may own them already): nothing is committed for
    /// them, and their queued batches and retries are dropped unsent.
    public mutating func lost(
        _ partitions: [TopicPartition],
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        guard phase != .finished else { return }
        actions.append(.notice(.lost(partitions)))
        if lease.isSuspended { suspendedSince = now }
        let lost = Set(partitions)
        removeFromPendingRevocations(lost, now: now, into: &actions)
        for partition in partitions { halts[partition] = nil }
        perform(tracker.lost(partitions), now: now, into: &actions)
        for sealed in accumulator.seal(partitions: lost) { enqueue(sealed, into: &actions) }
        publishLease(into: &actions)
        dropUnowned(into: &actions)
    }

    /// Finishes each revocation whose partitions are settled or whose deadline passed (or the stop's): commits what
    /// is done synchronously through the handshake, forgets the partitions and drops what is still queued of them.
    mutating func checkRevocations(now: ContinuousClock.Instant, into actions: inout [PipelineAction]) {
        guard !pendingRevocations.isEmpty else { return }
        var stopDue = phase == .finished
        if case .stopping(let deadline) = phase, now >= deadline { stopDue = true }
        var index = 0
        while index < pendingRevocations.count {
            let pending = pendingRevocations[index]
            let current = pending.partitions.filter { tracker.epoch(of: $0.key) == $0.value }.map(\.key)
            let settled = tracker.isSettled(current)
            guard settled || now >= pending.deadline || stopDue else {
                index += 1
                continue
            }
            pendingRevocations.remove(at: index)
            finish(pending, current: current, settled: settled, now: now, into: &actions)
        }
    }

    private mutating func finish(
        _ pending: PendingRevocation,
        current: [TopicPartition],
        settled: Bool,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        var commits: [TopicPartition: Int64] = [:]
        var others: [OffsetTracker.Action] = []
        for action in tracker.revoked(current) {
            if case .commitNow(let offsets) = action { commits = offsets } else { others.append(action) }
        }
        counters.committed.merge(commits) { max($0, $1) }
        for partition in current { halts[partition] = nil }
        actions.append(.finishRevocation(pending.ticket, commits: commits, settled: settled))
        actions.append(
            .notice(.revocationFinished(pending.partitions.keys.sorted(by: Self.partitionOrder), settled: settled))
        )
        perform(others, now: now, into: &actions)
        publishLease(into: &actions)
        dropUnowned(into: &actions)
    }

    /// Takes `partitions` out of pending revocations; a revocation left with none is finished at once, empty.
    private mutating func removeFromPendingRevocations(
        _ partitions: Set<TopicPartition>,
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        guard !pendingRevocations.isEmpty else { return }
        var index = 0
        while index < pendingRevocations.count {
            for partition in partitions { pendingRevocations[index].partitions[partition] = nil }
            if pendingRevocations[index].partitions.isEmpty {
                let pending = pendingRevocations.remove(at: index)
                actions.append(.finishRevocation(pending.ticket, commits: [:], settled: true))
            } else {
                index += 1
            }
        }
    }

    // MARK: - Lease

    /// Publishes the lease after ownership or suspicion changed.
    mutating func publishLease(into actions: inout [PipelineAction]) {
        var epochs: [TopicPartition: AssignmentEpoch] = [:]
        for partition in tracker.ownedPartitions {
            if let epoch = tracker.epoch(of: partition) { epochs[partition] = epoch }
        }
        let updated = SendLease(
            epochs: epochs,
            isSuspended: suspendedSince != nil,
            gap: parameters.leaseGap,
            recovery: parameters.leaseRecovery
        )
        guard updated != lease else { return }
        lease = updated
        actions.append(.publishLease(updated))
    }

    /// Drops, unsent, what queued or held batches carry of partitions no longer owned under their events' epochs.
    mutating func dropUnowned(into actions: inout [PipelineAction]) {
        var dropped = 0
        var partitions = Set<TopicPartition>()
        let lease = self.lease
        func keep(_ batch: DocumentBatch) -> DocumentBatch? {
            if lease.ownsEverySource(of: batch) { return batch }
            let kept = batch.retaining { lease.epochs[$0.topicPartition] == $0.epoch }
            dropped += batch.documentCount - (kept?.documentCount ?? 0)
            for source in batch.sources where lease.epochs[source.topicPartition] != source.epoch {
                partitions.insert(source.topicPartition)
            }
            return kept
        }
        var released = scheduler.filterQueued(keep)
        // Held batches count as in flight for the scheduler: complete them, re-queueing what is still owned.
        let held = heldBatches
        heldBatches = []
        for batch in held {
            released += scheduler.complete(batch.id, requeueing: keep(batch))
        }
        if dropped > 0 {
            counters.droppedByLease += dropped
            actions.append(
                .notice(.batchesDropped(partitions: partitions.sorted(by: Self.partitionOrder), documents: dropped))
            )
        }
        dispatch(released, into: &actions)
    }

    /// Orders partitions for log lines.
    static func partitionOrder(_ lhs: TopicPartition, _ rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}
