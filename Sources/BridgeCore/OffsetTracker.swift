/// Tracks, per owned partition, which received offsets are done, and says what to commit, pause and resume.
///
/// A pure state machine with one owner: events go in, ``Action``s come out, and the caller talks to Kafka.
///
/// - Important: The invariant: a committed next-offset never passes the smallest received offset that is not done
///   (done = acknowledged by Kuzzle or by the dead-letter producer). A failure with nowhere to go holds the commit
///   point; it never leaves a gap. Offsets are committed as "next offset to read" (last done + 1).
///
/// Completions carry the ``AssignmentEpoch`` their record was received under; those of a partition since revoked
/// or lost (or re-assigned, which makes a new epoch) are ignored.
///
/// In-memory bytes (from ``received(_:offset:bytes:)`` until the offset is done or held) feed a ``FlowControl``:
/// above its high watermark every owned partition is paused, below its low one they resume (halted ones stay
/// paused). Bytes of revoked or lost partitions leave the budget when their state is dropped.
public struct OffsetTracker: Sendable {
    /// What the caller must do.
    public enum Action: Sendable, Equatable {
        /// Stop fetching these partitions (the budget is exceeded).
        case pause(Set<TopicPartition>)
        /// Fetch these partitions again.
        case resume(Set<TopicPartition>)
        /// Pause the partition for good and log an error: an event failed permanently and there is no dead-letter
        /// topic; its commit point is held until a restart.
        case halt(TopicPartition, reason: String)
        /// Commit these next offsets (asynchronously is fine: a later commit supersedes it).
        case commit([TopicPartition: Int64])
        /// Commit these next offsets synchronously before the partitions go (revocation).
        case commitNow([TopicPartition: Int64])
        /// Commit these next offsets synchronously, then close (shutdown).
        case commitFinal([TopicPartition: Int64])
    }

    /// What to do with a received record.
    public enum Receipt: Sendable, Equatable {
        /// Process the record under this epoch (put it in the ``SourceRecord``), after performing the actions.
        case accepted(AssignmentEpoch, [Action])
        /// Drop the record: its partition is not owned, is halted, or the offset was already received.
        case discarded
    }

    private var partitions = PartitionTable()
    private var lastEpoch: UInt64 = 0
    private var paused: Set<TopicPartition> = []
    /// Partitions paused because their window holds more than their share of the budget.
    private var windowPaused: Set<TopicPartition> = []
    /// The in-memory byte budget.
    public private(set) var flowControl: FlowControl

    /// Creates a tracker that owns no partition.
    public init(flowControl: FlowControl = FlowControl()) {
        self.flowControl = flowControl
    }

    /// The partitions currently owned.
    public var ownedPartitions: Set<TopicPartition> { Set(partitions.partitions) }

    /// The epoch of an owned partition.
    public func epoch(of partition: TopicPartition) -> AssignmentEpoch? { partitions[partition]?.epoch }

    /// Why a partition is halted, or `nil` when it is not halted (or not owned).
    public func haltReason(of partition: TopicPartition) -> String? { partitions[partition]?.haltReason }

    /// The offset that halted a partition (held for good), or `nil`.
    public func heldOffset(of partition: TopicPartition) -> Int64? { partitions[partition]?.firstHeldOffset }

    /// The next offset to commit for each owned partition with progress (all offsets below it are done).
    public var committableOffsets: [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for (partition, state) in zip(partitions.partitions, partitions.states) {
            if let next = state.nextOffset { offsets[partition] = next }
        }
        return offsets
    }

    // MARK: - Assignment

    /// Takes ownership of `partitions` under a new epoch (a partition already owned starts afresh).
    /// - Returns: The new epoch, to stamp on records of these partitions.
    @discardableResult
    public mutating func assigned(_ newPartitions: some Sequence<TopicPartition>) -> AssignmentEpoch {
        lastEpoch += 1
        let epoch = AssignmentEpoch(rawValue: lastEpoch)
        for partition in newPartitions {
            if let old = partitions.remove(partition) { _ = flowControl.release(old.pendingBytes) }
            partitions.set(partition, PartitionOffsets(epoch: epoch))
            paused.remove(partition)
            windowPaused.remove(partition)
        }
        return epoch
    }

    /// Gives up `partitions` in an orderly revocation.
    /// - Returns: ``Action/commitNow(_:)`` with the commit point of each revoked partition that has progress not yet
    ///   committed (always present, possibly empty, so the caller can finish the revocation with it), and possibly
    ///   ``Action/resume(_:)`` for the remaining partitions when dropping the revoked ones frees the budget.
    public mutating func revoked(_ revokedPartitions: some Sequence<TopicPartition>) -> [Action] {
        var commits: [TopicPartition: Int64] = [:]
        var released = 0
        for partition in revokedPartitions {
            guard let state = partitions.remove(partition) else { continue }
            paused.remove(partition)
            windowPaused.remove(partition)
            released += state.pendingBytes
            if let next = state.nextOffset, next != state.lastCommitted { commits[partition] = next }
        }
        return [.commitNow(commits)] + release(released)
    }

    /// Forgets `lostPartitions` without committing (another member may already own them).
    public mutating func lost(_ lostPartitions: some Sequence<TopicPartition>) -> [Action] {
        var released = 0
        for partition in lostPartitions {
            guard let state = partitions.remove(partition) else { continue }
            paused.remove(partition)
            windowPaused.remove(partition)
            released += state.pendingBytes
        }
        return release(released)
    }

    /// Whether nothing more can change the commit points of `partitions`: each is not owned, halted, or has every
    /// received offset done. A revocation waits for this before committing.
    public func isSettled(_ partitions: some Sequence<TopicPartition>) -> Bool {
        partitions.allSatisfy { partition in
            guard let state = self.partitions[partition] else { return true }
            return state.haltReason != nil || state.firstUndoneOffset == nil
        }
    }

    // MARK: - Records

    /// Checks in a record before it is routed.
    /// - Parameters:
    ///   - partition: The record's topic-partition.
    ///   - offset: The record's offset (records of a partition arrive in offset order).
    ///   - bytes: The memory the record holds until it is done (key, value and headers).
    public mutating func received(_ partition: TopicPartition, offset: Int64, bytes: Int) -> Receipt {
        let accepted = updatePartition(partition) { state -> (AssignmentEpoch, Int)? in
            guard state.haltReason == nil, state.receive(offset, bytes: max(0, bytes)) else { return nil }
            return (state.epoch, state.windowFootprint)
        }
        guard let accepted, let (epoch, windowBytes) = accepted else { return .discarded }
        var actions: [Action] = []
        if flowControl.add(max(0, bytes) + PartitionOffsets.entryFootprint) == .pause {
            let toPause = pausablePartitions()
            paused.formUnion(toPause)
            if !toPause.isEmpty { actions.append(.pause(toPause)) }
        } else if flowControl.isPaused, !paused.contains(partition) {
            paused.insert(partition)
            actions.append(.pause([partition]))
        } else if windowBytes > windowShare, !windowPaused.contains(partition) {
            // One partition's window (say, behind one event a dead-letter send or a retried collection holds) may
            // not take the whole budget from the others.
            windowPaused.insert(partition)
            if !paused.contains(partition) { actions.append(.pause([partition])) }
        }
        return .accepted(epoch, actions)
    }

    /// The footprint one partition's window may reach before it pauses: its share of the budget. Only the entries'
    /// footprint counts here (their record bytes are the budget's): a healthy partition's window is a few thousand
    /// entries, one stuck behind an unsettled offset grows by one entry per record.
    private var windowShare: Int { flowControl.highWatermark / max(1, partitions.partitions.count) }

    /// Resumes window-paused partitions whose window fell below half their share.
    private mutating func releaseWindows() -> [Action] {
        guard !windowPaused.isEmpty else { return [] }
        let share = windowShare
        var toResume = Set<TopicPartition>()
        for partition in windowPaused {
            guard let state = partitions[partition] else {
                windowPaused.remove(partition)
                continue
            }
            guard state.windowFootprint < share / 2 else { continue }
            windowPaused.remove(partition)
            guard state.haltReason == nil, !paused.contains(partition) else { continue }
            if flowControl.isPaused {
                paused.insert(partition)  // the budget's resume will take it
            } else {
                toResume.insert(partition)
            }
        }
        return toResume.isEmpty ? [] : [.resume(toResume)]
    }

    /// Reports offsets acknowledged by Kuzzle.
    /// - Returns: Possibly ``Action/resume(_:)``. Offsets of another epoch, or unknown, are ignored.
    public mutating func completed(
        _ partition: TopicPartition,
        offsets: some Sequence<Int64>,
        epoch: AssignmentEpoch
    ) -> [Action] {
        settle(partition, offsets: offsets, epoch: epoch, as: .done)
    }

    /// Reports every source of a finished batch as acknowledged by Kuzzle (each with its own epoch).
    ///
    /// Takes an array, not a generic sequence: called from another module, a generic one ran unspecialized and
    /// allocated for every source.
    public mutating func completed(_ sources: [EventSource]) -> [Action] {
        var released = 0
        // Sources come in runs of one partition: the table finds it by comparing with the last one found.
        sources.withUnsafeBufferPointer { sources in
            for index in sources.indices {
                let (offset, epoch) = (sources[index].offset, sources[index].epoch)
                released +=
                    partitions.update(topic: sources[index].topic, partition: sources[index].partition) { state in
                        state.epoch == epoch ? state.settle(offset, as: .done) : 0
                    } ?? 0
            }
        }
        return release(released)
    }

    /// Reports offsets acknowledged by the dead-letter producer: they are done, like completed ones.
    public mutating func deadLettered(
        _ partition: TopicPartition,
        offsets: some Sequence<Int64>,
        epoch: AssignmentEpoch
    ) -> [Action] {
        settle(partition, offsets: offsets, epoch: epoch, as: .done)
    }

    /// Reports an offset that failed permanently with no dead-letter topic to take it.
    /// - Returns: ``Action/halt(_:reason:)`` the first time the partition halts (its commit point stays below the
    ///   offset for good and its later records are discarded), then possibly ``Action/resume(_:)`` for the others.
    public mutating func failed(
        _ partition: TopicPartition,
        offset: Int64,
        epoch: AssignmentEpoch,
        reason: String
    ) -> [Action] {
        let released = settleOne(partition, offset: offset, epoch: epoch, as: .held)
        let newlyHalted = partitions.update(partition) { state -> Bool in
            guard state.epoch == epoch, state.haltReason == nil else { return false }
            state.haltReason = reason
            return true
        }
        var actions: [Action] = []
        if newlyHalted == true {
            paused.insert(partition)
            actions.append(.halt(partition, reason: reason))
        }
        return actions + release(released)
    }

    // MARK: - Commits

    /// The periodic commit: ``Action/commit(_:)`` with every partition whose commit point moved since the last
    /// commit, or `nil` when none did. The tracker assumes the commit succeeds.
    public mutating func commitIfProgress() -> Action? {
        let commits = takeUncommitted()
        return commits.isEmpty ? nil : .commit(commits)
    }

    /// The last commit before closing: ``Action/commitFinal(_:)`` with the commit point of every owned partition
    /// that has one (committed already or not; committing it again is harmless).
    public mutating func shutdown() -> Action {
        partitions.updateAll { _, state in state.lastCommitted = state.nextOffset }
        return .commitFinal(committableOffsets)
    }

    // MARK: - Helpers

    private mutating func takeUncommitted() -> [TopicPartition: Int64] {
        var commits: [TopicPartition: Int64] = [:]
        partitions.updateAll { partition, state in
            guard let next = state.nextOffset, next != state.lastCommitted else { return }
            commits[partition] = next
            state.lastCommitted = next
        }
        return commits
    }

    private mutating func settle(
        _ partition: TopicPartition,
        offsets: some Sequence<Int64>,
        epoch: AssignmentEpoch,
        as state: PartitionOffsets.State
    ) -> [Action] {
        guard partitions[partition]?.epoch == epoch else { return [] }
        var released = 0
        for offset in offsets { released += settleOne(partition, offset: offset, epoch: epoch, as: state) }
        return release(released)
    }

    private mutating func settleOne(
        _ partition: TopicPartition,
        offset: Int64,
        epoch: AssignmentEpoch,
        as state: PartitionOffsets.State
    ) -> Int {
        updatePartition(partition) { $0.epoch == epoch ? $0.settle(offset, as: state) : 0 } ?? 0
    }

    /// Runs `body` on an owned partition's state in place; `nil` when the partition is not owned.
    private mutating func updatePartition<Result>(
        _ partition: TopicPartition,
        _ body: (inout PartitionOffsets) -> Result
    ) -> Result? {
        partitions.update(partition, body)
    }

    private mutating func release(_ bytes: Int) -> [Action] {
        let windows = releaseWindows()
        guard flowControl.release(bytes) == .resume else { return windows }
        let toResume = paused.filter {
            partitions[$0] != nil && partitions[$0]?.haltReason == nil && !windowPaused.contains($0)
        }
        paused.subtract(toResume)
        return toResume.isEmpty ? windows : windows + [.resume(toResume)]
    }

    private func pausablePartitions() -> Set<TopicPartition> {
        Set(partitions.partitions.filter { !paused.contains($0) })
    }
}
