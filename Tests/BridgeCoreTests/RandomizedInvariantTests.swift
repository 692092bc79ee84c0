import BridgeCore
import TestSupport
import Testing

/// Seeded random interleavings checked against the invariants the daemon's correctness rests on.
@Suite struct RandomizedInvariantTests {
    static let seeds: [UInt64] = [1, 2, 3, 17, 99, 1234, 0xDEAD_BEEF, 424_242]

    // MARK: - Offsets

    /// What the test knows about one partition in its current epoch.
    struct PartitionModel {
        var epoch: AssignmentEpoch
        var nextOffset: Int64
        var pending: [Int64] = []
        var held: Set<Int64> = []
        var lastReceived: Int64?
        var lastCommit: Int64?
        var undone: [Int64] { pending + held }
    }

    @Test(
        "random received, completed, failed, dead-lettered and revoked events never commit past an undone offset",
        arguments: seeds
    )
    func offsetTrackerNeverCommitsPastAnUndoneOffset(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var tracker = OffsetTracker(flowControl: FlowControl(highWatermark: 500, lowWatermark: 200))
        let partitions = (0..<3).map { TopicPartition(topic: "t", partition: Int32($0)) }
        let epoch = tracker.assigned(partitions)
        var models = Dictionary(
            uniqueKeysWithValues: partitions.map { ($0, PartitionModel(epoch: epoch, nextOffset: 0)) }
        )
        var stale: [(TopicPartition, Int64, AssignmentEpoch)] = []

        func check(_ commits: [TopicPartition: Int64]) {
            for (partition, next) in commits {
                guard let model = models[partition] else {
                    Issue.record("commit for unowned \(partition)")
                    continue
                }
                if let smallest = model.undone.min() { #expect(next <= smallest, "seed \(seed) \(partition)") }
                #expect(next <= (model.lastReceived ?? -1) + 1)
                #expect(next >= (model.lastCommit ?? 0))
                models[partition]?.lastCommit = next
            }
        }

        for _ in 0..<3000 {
            let partition = partitions[Int.random(in: 0..<partitions.count, using: &random)]
            guard var model = models[partition] else { continue }
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<40:
                let offset = model.nextOffset
                model.nextOffset += Int64.random(in: 1...3, using: &random)
                let receipt = tracker.received(partition, offset: offset, bytes: Int.random(in: 1...50, using: &random))
                if case .accepted(let receivedEpoch, _) = receipt {
                    #expect(receivedEpoch == model.epoch)
                    model.pending.append(offset)
                    model.lastReceived = offset
                } else {
                    #expect(tracker.haltReason(of: partition) != nil)
                }
            case 40..<70 where !model.pending.isEmpty:
                let offset = model.pending.remove(at: Int.random(in: 0..<model.pending.count, using: &random))
                _ = tracker.completed(partition, offsets: [offset], epoch: model.epoch)
            case 70..<78 where !model.pending.isEmpty:
                let offset = model.pending.remove(at: Int.random(in: 0..<model.pending.count, using: &random))
                _ = tracker.deadLettered(partition, offsets: [offset], epoch: model.epoch)
            case 78..<79 where !model.pending.isEmpty:
                let offset = model.pending.remove(at: Int.random(in: 0..<model.pending.count, using: &random))
                model.held.insert(offset)
                _ = tracker.failed(partition, offset: offset, epoch: model.epoch, reason: "permanent")
            case 79..<90:
                models[partition] = model
                if case .commit(let commits) = tracker.commitIfProgress() { check(commits) }
                continue
            case 90..<93 where !stale.isEmpty:
                let (stalePartition, offset, staleEpoch) = stale.remove(
                    at: Int.random(in: 0..<stale.count, using: &random)
                )
                _ = tracker.completed(stalePartition, offsets: [offset], epoch: staleEpoch)
            case 93..<95:
                models[partition] = model
                for action in tracker.revoked([partition]) {
                    if case .commitNow(let commits) = action { check(commits) }
                }
                stale += model.pending.map { (partition, $0, model.epoch) }
                let restart = model.lastCommit ?? 0
                let newEpoch = tracker.assigned([partition])
                model = PartitionModel(epoch: newEpoch, nextOffset: restart, lastCommit: restart)
            default:
                break
            }
            models[partition] = model
        }

        // Finish everything that can finish; the final commit then reaches the end (or the held offset).
        for partition in partitions {
            guard let model = models[partition] else { continue }
            _ = tracker.completed(partition, offsets: model.pending, epoch: model.epoch)
            models[partition]?.pending = []
        }
        guard case .commitFinal(let final) = tracker.shutdown() else {
            Issue.record("shutdown must commit")
            return
        }
        check(final)
        for partition in partitions {
            guard let model = models[partition], let last = model.lastReceived else { continue }
            #expect(final[partition] == (model.held.min() ?? last + 1), "seed \(seed) \(partition)")
        }
        #expect(tracker.flowControl.bytesInMemory >= 0)
    }

    // MARK: - Batching and scheduling

    struct DocumentKey: Hashable {
        var target: DocumentTarget
        var id: String
    }

    @Test(
        "random streams through accumulator and scheduler keep per-id order and never overlap ids in flight",
        arguments: seeds
    )
    func accumulatorAndSchedulerKeepPerIDOrder(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let start = ContinuousClock.now
        var now = start
        let targets = [
            DocumentTarget(index: "shop", collection: "orders"), DocumentTarget(index: "shop", collection: "users"),
        ]
        let ids = ["a", "b", "c", "d", "e", "f"]
        let actions: [DocumentAction] = [.write, .write, .write, .create, .update, .delete]
        var accumulator = BatchAccumulator(
            limits: BatchLimits(maximumDocuments: 5, maximumBytes: 300, maximumWait: .milliseconds(20)),
            requestOverhead: 20
        )
        var scheduler = WriteScheduler(maximumConcurrentBatches: 3)

        var offsetsByKey: [DocumentKey: [Int64]] = [:]
        var expected: [DocumentKey: Int64?] = [:]
        var state: [DocumentKey: Int64?] = [:]
        var done: Set<Int64> = []
        var inFlight: [DocumentBatch.ID: DocumentBatch] = [:]
        var completedSources: [Int64] = []

        func key(_ event: DocumentEvent) -> DocumentKey { DocumentKey(target: event.target, id: event.id) }

        func track(_ sent: [WriteScheduler.Action]) {
            for case .send(let batch) in sent {
                let mine = Set(batch.sources.map(\.offset))
                for other in inFlight.values where other.target == batch.target {
                    #expect(!batch.sharesDocument(with: Set(other.documentIDs)), "seed \(seed): ids overlap in flight")
                }
                for operation in batch.operations {
                    for earlier in offsetsByKey[key(operation), default: []] where earlier < operation.source.offset {
                        #expect(done.contains(earlier) || mine.contains(earlier), "seed \(seed): \(earlier) overtaken")
                    }
                }
                inFlight[batch.id] = batch
            }
        }

        func enqueue(_ sealed: [BatchAccumulator.Action]) {
            for case .seal(let batch, _) in sealed { track(scheduler.enqueue(batch)) }
        }

        /// Sends the batch's operations with random failures, retrying as the batch says, until all are done.
        func finish(_ batch: DocumentBatch) {
            var positions = Array(batch.operations.indices)
            var attempts = 0
            while !positions.isEmpty {
                attempts += 1
                var failed: [Int] = []
                for position in positions {
                    if attempts < 50, Int.random(in: 0..<10, using: &random) < 3 {
                        failed.append(position)
                        continue
                    }
                    let operation = batch.operations[position]
                    let value: Int64? = operation.action == .delete ? nil : operation.source.offset
                    state[key(operation)] = .some(value)
                }
                positions = batch.retryPositions(afterFailuresAt: failed)
            }
            var lastByKey: [DocumentKey: DocumentEvent] = [:]
            for operation in batch.operations { lastByKey[key(operation)] = operation }
            for (documentKey, operation) in lastByKey {
                let wanted: Int64? = operation.action == .delete ? nil : operation.source.offset
                #expect(state[documentKey] == .some(wanted), "seed \(seed): \(documentKey) wrong after retries")
            }
            done.formUnion(batch.sources.map(\.offset))
            completedSources += batch.sources.map(\.offset)
            track(scheduler.complete(batch.id))
        }

        var offset: Int64 = 0
        for _ in 0..<2000 {
            now += .milliseconds(Int.random(in: 0...3, using: &random))
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6:
                offset += 1
                let event = Fixture.event(
                    ids[Int.random(in: 0..<ids.count, using: &random)],
                    actions[Int.random(in: 0..<actions.count, using: &random)],
                    target: targets[Int.random(in: 0..<targets.count, using: &random)],
                    partition: Int32.random(in: 0...2, using: &random),
                    offset: offset
                )
                offsetsByKey[key(event), default: []].append(offset)
                let value: Int64? = event.action == .delete ? nil : offset
                expected[key(event)] = .some(value)
                enqueue(accumulator.append(event, encodedSize: Int.random(in: 10...120, using: &random), now: now))
            case 6..<8:
                enqueue(accumulator.tick(now: now))
            default:
                guard !inFlight.isEmpty else { continue }
                let ids = inFlight.keys.sorted()
                let chosen = ids[Int.random(in: 0..<ids.count, using: &random)]
                if let batch = inFlight.removeValue(forKey: chosen) { finish(batch) }
            }
        }
        enqueue(accumulator.sealAll())
        while let chosen = inFlight.keys.sorted().first, let batch = inFlight.removeValue(forKey: chosen) {
            finish(batch)
        }
        #expect(scheduler.isIdle)
        #expect(completedSources.sorted() == Array(1...offset))
        #expect(state == expected)
    }
}
