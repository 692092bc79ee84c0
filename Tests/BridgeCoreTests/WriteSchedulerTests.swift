import BridgeCore
import Testing

@Suite struct WriteSchedulerTests {
    let start = ContinuousClock.now
    let shop = DocumentTarget(index: "shop", collection: "orders")
    let other = DocumentTarget(index: "shop", collection: "users")

    /// Seals one batch per list of ids, in order, through a real accumulator (so batch ids grow).
    func batches(_ specs: [(DocumentTarget, [String])]) -> [DocumentBatch] {
        var accumulator = BatchAccumulator(limits: BatchLimits())
        var offset: Int64 = 0
        return specs.compactMap { target, ids in
            for id in ids {
                offset += 1
                _ = accumulator.append(Fixture.event(id, target: target, offset: offset), encodedSize: 1, now: start)
            }
            guard case .seal(let batch, _) = accumulator.sealAll().first else { return nil }
            return batch
        }
    }

    func sent(_ actions: [WriteScheduler.Action]) -> [DocumentBatch.ID] {
        actions.map { action in
            switch action {
            case .send(let batch): batch.id
            }
        }
    }

    @Test func aBatchSharingAnIdWithAnInFlightBatchWaits() {
        let all = batches([(shop, ["a", "b"]), (shop, ["b", "c"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 8)
        #expect(sent(scheduler.enqueue(all[0])) == [all[0].id])
        #expect(sent(scheduler.enqueue(all[1])).isEmpty)
        #expect(scheduler.queuedCount == 1)
        #expect(sent(scheduler.complete(all[0].id)) == [all[1].id])
        #expect(sent(scheduler.complete(all[1].id)).isEmpty)
        #expect(scheduler.isIdle)
    }

    @Test func disjointBatchesOfOneTargetGoTogether() {
        let all = batches([(shop, ["a"]), (shop, ["b"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 8)
        #expect(sent(scheduler.enqueue(all[0])) == [all[0].id])
        #expect(sent(scheduler.enqueue(all[1])) == [all[1].id])
        #expect(scheduler.inFlightCount == 2)
    }

    @Test func aLaterBatchOfTheSameTargetNeverOvertakesAWaitingOne() {
        let all = batches([(shop, ["a"]), (shop, ["a", "b"]), (shop, ["c"]), (other, ["a"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 8)
        #expect(sent(scheduler.enqueue(all[0])) == [all[0].id])
        #expect(sent(scheduler.enqueue(all[1])).isEmpty)
        #expect(sent(scheduler.enqueue(all[2])).isEmpty)  // disjoint, but behind the waiting batch
        #expect(sent(scheduler.enqueue(all[3])) == [all[3].id])  // other target: "a" there is another document
        #expect(sent(scheduler.complete(all[0].id)) == [all[1].id, all[2].id])
    }

    @Test func theCapLimitsBatchesInFlightAndTheOldestGoesFirst() {
        let all = batches([(shop, ["a"]), (other, ["b"]), (shop, ["c"]), (other, ["d"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 2)
        var started: [DocumentBatch.ID] = []
        for batch in all { started += sent(scheduler.enqueue(batch)) }
        #expect(started == [all[0].id, all[1].id])
        #expect(scheduler.inFlightCount == 2)
        #expect(sent(scheduler.complete(all[1].id)) == [all[2].id])
        #expect(sent(scheduler.complete(all[2].id)) == [all[3].id])
        #expect(sent(scheduler.complete(DocumentBatch.ID(rawValue: 999))).isEmpty)
    }

    @Test func aCapBelowOneMeansOne() {
        let all = batches([(shop, ["a"]), (other, ["b"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 0)
        #expect(sent(scheduler.enqueue(all[0])).count == 1)
        #expect(sent(scheduler.enqueue(all[1])).isEmpty)
        #expect(scheduler.inFlightBatch(all[0].id)?.id == all[0].id)
    }

    @Test func raisingTheLimitSendsQueuedBatchesAtOnceOldestFirst() {
        let all = batches([(shop, ["a"]), (other, ["b"]), (shop, ["c"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 1)
        var started: [DocumentBatch.ID] = []
        for batch in all { started += sent(scheduler.enqueue(batch)) }
        #expect(started == [all[0].id])
        #expect(sent(scheduler.setConcurrencyLimit(3)) == [all[1].id, all[2].id])
        #expect(scheduler.maximumConcurrentBatches == 3)
        #expect(scheduler.inFlightCount == 3)
    }

    @Test func loweringTheLimitCancelsNothingAndFreedSlotsAreNotReplacedAboveIt() {
        let all = batches([(shop, ["a"]), (other, ["b"]), (shop, ["c"]), (other, ["d"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 3)
        for batch in all { _ = scheduler.enqueue(batch) }
        #expect(scheduler.inFlightCount == 3)
        #expect(sent(scheduler.setConcurrencyLimit(1)).isEmpty)
        #expect(scheduler.inFlightCount == 3)
        #expect(scheduler.inFlightBatch(all[2].id) != nil)
        #expect(sent(scheduler.complete(all[0].id)).isEmpty)
        #expect(sent(scheduler.complete(all[1].id)).isEmpty)
        #expect(sent(scheduler.complete(all[2].id)) == [all[3].id])
        #expect(scheduler.inFlightCount == 1)
    }

    @Test func aRaisedLimitStillHoldsBackABatchSharingAnIdWithAnInFlightOne() {
        let all = batches([(shop, ["a"]), (shop, ["a", "b"]), (other, ["c"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 1)
        for batch in all { _ = scheduler.enqueue(batch) }
        #expect(sent(scheduler.setConcurrencyLimit(8)) == [all[2].id])
        #expect(scheduler.queuedCount == 1)
        #expect(sent(scheduler.setConcurrencyLimit(0)).isEmpty)
        #expect(scheduler.maximumConcurrentBatches == 1)
    }

    @Test("a head stays blocked by the in-flight batch it shares an id with, whatever else completes first")
    func aHeadIsReleasedOnlyWhenItsBlockerCompletes() {
        let all = batches([(shop, ["a"]), (shop, ["b"]), (shop, ["b", "c"]), (other, ["x"])])
        var scheduler = WriteScheduler(maximumConcurrentBatches: 3)
        #expect(sent(scheduler.enqueue(all[0])) == [all[0].id])
        #expect(sent(scheduler.enqueue(all[1])) == [all[1].id])
        // all[2] shares "b" with all[1]; it is checked against both in-flight batches.
        #expect(sent(scheduler.enqueue(all[2])).isEmpty)
        // A slot frees (all[0], disjoint): the head is still blocked by all[1]; the other target's batch goes.
        #expect(sent(scheduler.complete(all[0].id)).isEmpty)
        #expect(sent(scheduler.enqueue(all[3])) == [all[3].id])
        #expect(sent(scheduler.complete(all[3].id)).isEmpty)
        #expect(sent(scheduler.complete(all[1].id)) == [all[2].id])
        #expect(sent(scheduler.complete(all[2].id)).isEmpty)
        #expect(scheduler.isIdle)
    }
}
