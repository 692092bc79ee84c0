import BridgeCore
import Testing

@Suite struct OffsetTrackerTests {
    let p0 = TopicPartition(topic: "orders", partition: 0)
    let p1 = TopicPartition(topic: "orders", partition: 1)

    func accept(_ tracker: inout OffsetTracker, _ partition: TopicPartition, _ offsets: [Int64], bytes: Int = 10) {
        for offset in offsets {
            guard case .accepted = tracker.received(partition, offset: offset, bytes: bytes) else {
                Issue.record("offset \(offset) was not accepted")
                return
            }
        }
    }

    @Test func theCommitPointStopsAtTheFirstOffsetNotDone() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0])
        accept(&tracker, p0, [10, 11, 12, 13])
        _ = tracker.completed(p0, offsets: [11, 13], epoch: epoch)
        #expect(tracker.commitIfProgress() == nil)
        _ = tracker.completed(p0, offsets: [10], epoch: epoch)
        #expect(tracker.commitIfProgress() == .commit([p0: 12]))
        #expect(tracker.commitIfProgress() == nil)
        _ = tracker.completed(p0, offsets: [12], epoch: epoch)
        #expect(tracker.commitIfProgress() == .commit([p0: 14]))
    }

    @Test func gapsInOffsetsDoNotHoldTheCommitPoint() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0])
        accept(&tracker, p0, [5, 9, 20])
        _ = tracker.completed(p0, offsets: [20, 9, 5], epoch: epoch)
        #expect(tracker.committableOffsets == [p0: 21])
    }

    @Test func theCommitPointSkipsUnreceivedOffsetsUpToTheFirstUndoneOne() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0])
        accept(&tracker, p0, [1, 4])
        _ = tracker.completed(p0, offsets: [1], epoch: epoch)
        #expect(tracker.committableOffsets == [p0: 4])
    }

    @Test func deadLetteredOffsetsCountAsDone() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0])
        accept(&tracker, p0, [0, 1])
        _ = tracker.deadLettered(p0, offsets: [0], epoch: epoch)
        _ = tracker.completed(p0, offsets: [1], epoch: epoch)
        #expect(tracker.committableOffsets == [p0: 2])
    }

    @Test func aPermanentFailureHaltsThePartitionAndHoldsItsCommitPoint() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0, p1])
        accept(&tracker, p0, [0, 1, 2])
        _ = tracker.completed(p0, offsets: [0], epoch: epoch)
        let actions = tracker.failed(p0, offset: 1, epoch: epoch, reason: "mapping refused")
        #expect(actions == [.halt(p0, reason: "mapping refused")])
        #expect(tracker.failed(p0, offset: 1, epoch: epoch, reason: "again").isEmpty)
        _ = tracker.completed(p0, offsets: [2], epoch: epoch)
        #expect(tracker.committableOffsets[p0] == 1)
        #expect(tracker.haltReason(of: p0) == "mapping refused")
        #expect(tracker.received(p0, offset: 3, bytes: 1) == .discarded)
        #expect(tracker.shutdown() == .commitFinal([p0: 1]))
    }

    @Test func completionsOfAnOlderEpochAreIgnored() {
        var tracker = OffsetTracker()
        let first = tracker.assigned([p0])
        accept(&tracker, p0, [0, 1])
        _ = tracker.revoked([p0])
        let second = tracker.assigned([p0])
        #expect(second > first)
        accept(&tracker, p0, [0, 1])
        _ = tracker.completed(p0, offsets: [0, 1], epoch: first)
        #expect(tracker.committableOffsets.isEmpty)
        _ = tracker.completed([EventSource(topic: "orders", partition: 0, offset: 0, epoch: second)])
        #expect(tracker.committableOffsets == [p0: 1])
    }

    @Test func revokingCommitsProgressAndForgetsThePartition() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0, p1])
        accept(&tracker, p0, [0, 1, 2])
        accept(&tracker, p1, [0])
        _ = tracker.completed(p0, offsets: [0, 1], epoch: epoch)
        #expect(tracker.revoked([p0, p1]) == [.commitNow([p0: 2])])
        #expect(tracker.ownedPartitions.isEmpty)
        #expect(tracker.received(p0, offset: 3, bytes: 1) == .discarded)
        #expect(tracker.revoked([p0]) == [.commitNow([:])])
    }

    @Test func revokingDoesNotRecommitWhatWasAlreadyCommitted() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0])
        accept(&tracker, p0, [0])
        _ = tracker.completed(p0, offsets: [0], epoch: epoch)
        #expect(tracker.commitIfProgress() == .commit([p0: 1]))
        #expect(tracker.revoked([p0]) == [.commitNow([:])])
    }

    @Test func lostPartitionsAreForgottenWithoutACommit() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0])
        accept(&tracker, p0, [0])
        _ = tracker.completed(p0, offsets: [0], epoch: epoch)
        #expect(tracker.lost([p0]).isEmpty)
        #expect(tracker.commitIfProgress() == nil)
        #expect(tracker.shutdown() == .commitFinal([:]))
    }

    @Test func duplicateAndBackwardOffsetsAreDiscarded() {
        var tracker = OffsetTracker()
        let epoch = tracker.assigned([p0])
        #expect(tracker.received(p0, offset: 5, bytes: 1) == .accepted(epoch, []))
        #expect(tracker.received(p0, offset: 5, bytes: 1) == .discarded)
        #expect(tracker.received(p0, offset: 4, bytes: 1) == .discarded)
    }

    @Test func theByteBudgetPausesAboveTheHighMarkAndResumesBelowTheLowMark() {
        // Each entry also counts its footprint in the window (24 bytes).
        var tracker = OffsetTracker(flowControl: FlowControl(highWatermark: 150, lowWatermark: 50))
        let epoch = tracker.assigned([p0, p1])
        #expect(tracker.received(p0, offset: 0, bytes: 60) == .accepted(epoch, []))
        #expect(tracker.received(p1, offset: 0, bytes: 60) == .accepted(epoch, [.pause([p0, p1])]))
        #expect(tracker.flowControl.bytesInMemory == 168)
        #expect(tracker.completed(p0, offsets: [0], epoch: epoch).isEmpty)  // 84 left: not below 50
        #expect(tracker.completed(p1, offsets: [0], epoch: epoch) == [.resume([p0, p1])])
        #expect(tracker.flowControl.bytesInMemory == 0)
    }

    @Test func aPartitionAssignedWhilePausedIsPausedOnItsFirstRecord() {
        var tracker = OffsetTracker(flowControl: FlowControl(highWatermark: 10, lowWatermark: 5))
        let first = tracker.assigned([p0])
        #expect(tracker.received(p0, offset: 0, bytes: 20) == .accepted(first, [.pause([p0])]))
        let second = tracker.assigned([p1])
        #expect(tracker.received(p1, offset: 0, bytes: 1) == .accepted(second, [.pause([p1])]))
        #expect(tracker.received(p1, offset: 1, bytes: 1) == .accepted(second, []))
    }

    @Test func aHaltedPartitionIsNotResumed() {
        var tracker = OffsetTracker(flowControl: FlowControl(highWatermark: 60, lowWatermark: 30))
        let epoch = tracker.assigned([p0, p1])
        accept(&tracker, p0, [0], bytes: 8)
        accept(&tracker, p1, [0], bytes: 8)
        #expect(tracker.failed(p0, offset: 0, epoch: epoch, reason: "bad") == [.halt(p0, reason: "bad")])
        #expect(tracker.completed(p1, offsets: [0], epoch: epoch) == [.resume([p1])])
    }

    @Test func revokingReleasesTheRevokedPartitionsBytes() {
        var tracker = OffsetTracker(flowControl: FlowControl(highWatermark: 100, lowWatermark: 80))
        tracker.assigned([p0, p1])
        accept(&tracker, p0, [0], bytes: 90)
        accept(&tracker, p1, [0], bytes: 1)
        #expect(tracker.revoked([p0]) == [.commitNow([:]), .resume([p1])])
    }

    @Test("partitions stay tracked apart after others are revoked and assigned between their records")
    func partitionsStayApartAcrossRevocations() {
        let p2 = TopicPartition(topic: "orders", partition: 2)
        let other = TopicPartition(topic: "invoices", partition: 2)
        var tracker = OffsetTracker()
        let first = tracker.assigned([p0, p1, p2])
        accept(&tracker, p2, [20, 21])
        accept(&tracker, p1, [10])
        // p0's removal moves the last partition's state into its place; the last lookup (p1) must not be reused.
        _ = tracker.revoked([p0])
        accept(&tracker, p2, [22])
        let second = tracker.assigned([other])
        accept(&tracker, other, [5])
        _ = tracker.completed([
            EventSource(topic: "orders", partition: 2, offset: 20, epoch: first),
            EventSource(topic: "orders", partition: 2, offset: 21, epoch: first),
            EventSource(topic: "invoices", partition: 2, offset: 5, epoch: second),
            EventSource(topic: "orders", partition: 1, offset: 10, epoch: first),
        ])
        #expect(tracker.committableOffsets == [p1: 11, p2: 22, other: 6])
        #expect(tracker.ownedPartitions == [p1, p2, other])
        _ = tracker.completed([EventSource(topic: "orders", partition: 0, offset: 0, epoch: first)])
        #expect(tracker.epoch(of: p0) == nil)
    }
}

/// Issue 14 item 6: done entries behind one offset that never settles count in the budget, and the partition pauses
/// when its window exceeds its share, without stalling the others.
@Suite struct OffsetTrackerWindowTests {
    @Test("done offsets piling up behind one pending offset pause that partition only, and count in the budget")
    func aWindowThatNeverSettlesPausesItsPartition() {
        var tracker = OffsetTracker(flowControl: FlowControl(highWatermark: 20_000))
        let stuck = TopicPartition(topic: "t", partition: 0)
        let flowing = TopicPartition(topic: "t", partition: 1)
        let epoch = tracker.assigned([stuck, flowing])
        var pausedStuck = false
        // Offset 0 of the stuck partition never settles; every later one is done at once, at zero record bytes.
        _ = tracker.received(stuck, offset: 0, bytes: 0)
        for offset in Int64(1)..<2_000 {
            if case .accepted(_, let actions) = tracker.received(stuck, offset: offset, bytes: 0) {
                if actions.contains(.pause([stuck])) { pausedStuck = true }
            }
            _ = tracker.completed(stuck, offsets: [offset], epoch: epoch)
            if pausedStuck { break }
        }
        #expect(pausedStuck, "the stuck partition's window must pause it")
        #expect(tracker.flowControl.bytesInMemory > 10_000, "done entries still held count in the budget")
        #expect(!tracker.flowControl.isPaused, "the other partitions are not paused")
        // The flowing partition still takes records.
        guard case .accepted(_, let actions) = tracker.received(flowing, offset: 0, bytes: 10) else {
            Issue.record("the flowing partition must accept records")
            return
        }
        #expect(actions.isEmpty)
        // Once the stuck offset settles, the window empties and the partition resumes.
        let resumed = tracker.completed(stuck, offsets: [0], epoch: epoch)
        #expect(resumed.contains(.resume([stuck])))
        #expect(tracker.committableOffsets[stuck] != nil)
    }
}
