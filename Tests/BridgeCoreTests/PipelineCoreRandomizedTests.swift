import Testing

@testable import BridgeCore

/// Seeded random interleavings of every input of ``PipelineCore`` — records, answers (with refusals), abandoned
/// writers, dead-letter results, ticks, revokes, losses, re-assignments, poll gaps and stops — checked against the
/// invariants the bridge's promise rests on.
@Suite struct PipelineCoreRandomizedTests {
    static let seeds: [UInt64] = [1, 2, 3, 5, 8, 13, 21, 0xC0FFEE]

    @Test(
        "no commit past an undone event, no two in-flight batches sharing an id, per-id order",
        arguments: seeds
    )
    func invariantsHold(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var harness = CoreHarness(maximumDocuments: 4, concurrency: 3, budget: 3_000)
        let partitions: [Int32] = [0, 1, 2]
        var owned: Set<Int32> = []
        /// Offsets durably in Kuzzle or the dead-letter topic, per partition (replays included).
        var durable: [Int32: Set<Int64>] = [:]
        /// Offsets received, per partition.
        var received: [Int32: Set<Int64>] = [:]
        /// Per (id, partition, epoch): the highest offset sent so far, and by which batch.
        var lastSent: [String: (offset: Int64, batch: DocumentBatch.ID)] = [:]
        var checkedSends = 0

        func checkSends() {
            while checkedSends < harness.sent.count {
                let batch = harness.sent[checkedSends]
                checkedSends += 1
                for operation in batch.operations {
                    let key = "\(operation.id)/\(operation.source.partition)/\(operation.source.epoch.rawValue)"
                    if let last = lastSent[key], last.batch != batch.id {
                        #expect(
                            operation.source.offset > last.offset,
                            "seed \(seed): \(key) sent at \(operation.source.offset) after \(last.offset)"
                        )
                    }
                    lastSent[key] = (operation.source.offset, batch.id)
                }
            }
        }

        func checkCommits() {
            for (partition, next) in harness.committed {
                let number = partition.partition
                for offset in received[number, default: []] where offset < next {
                    #expect(
                        durable[number, default: []].contains(offset),
                        "seed \(seed): \(partition) committed \(next) past undone \(offset)"
                    )
                }
            }
        }

        for _ in 0..<1500 {
            // Checked before every step: a step may end early (`continue`).
            checkSends()
            checkCommits()
            let choice = Int.random(in: 0..<100, using: &random)
            switch choice {
            case 0..<45:
                guard let partition = owned.randomElement(using: &random) else { fallthrough }
                let id = ["a", "b", "c", "d", "e", "f"].randomElement(using: &random)!
                let action = ["write", "write", "update", "delete"].randomElement(using: &random)!
                let value: String? = Int.random(in: 0..<30, using: &random) == 0 ? "{broken" : nil
                let offset = harness.receive(id, action, partition: partition, value: value)
                received[partition, default: []].insert(offset)
            case 45..<65:
                guard let batch = harness.inFlightBatches.randomElement(using: &random) else { continue }
                var refused = Set<Int>()
                if Int.random(in: 0..<5, using: &random) == 0 {
                    refused.insert(Int.random(in: 0..<batch.documentCount, using: &random))
                }
                guard harness.lease.permits(batch, now: harness.now, lastPoll: harness.now) else {
                    harness.abandon(batch.id)
                    continue
                }
                let refusedSources = Set(refused.map { batch.operations[$0].source })
                for source in batch.sources
                where harness.lease.epochs[source.topicPartition] == source.epoch && !refusedSources.contains(source) {
                    durable[source.partition, default: []].insert(source.offset)
                }
                harness.answer(batch.id, refusing: refused)
            case 65..<73:
                guard let letter = harness.deadLetters.values.randomElement(using: &random) else { continue }
                let delivered = Bool.random(using: &random)
                if delivered { durable[letter.source.partition, default: []].insert(letter.source.offset) }
                harness.deadLetterResult(letter.ticket, delivered: delivered)
            case 73..<88:
                harness.tick(after: .milliseconds(Int64.random(in: 10...1500, using: &random)))
            case 88..<92:
                guard let partition = owned.randomElement(using: &random) else { continue }
                owned.remove(partition)
                harness.revoke(partition)
            case 92..<94:
                guard let partition = owned.randomElement(using: &random) else { continue }
                owned.remove(partition)
                harness.lose(partition)
            case 94..<98:
                let partition = partitions.randomElement(using: &random)!
                owned.insert(partition)
                harness.assign(partition)
                // Re-read from the committed offset, as Kafka would.
                harness.nextOffset[partition] = harness.committed[CoreHarness.partition(partition)] ?? 0
                received[partition] = received[partition, default: []].filter {
                    $0 < harness.nextOffset[partition, default: 0]
                }
            default:
                harness.tick(after: .seconds(12), lastPoll: harness.now)  // a frozen member
            }
        }
        checkSends()
        checkCommits()
        harness.stop()
        for _ in 0..<100 where !harness.finished {
            for batch in harness.inFlightBatches {
                if harness.lease.permits(batch, now: harness.now, lastPoll: harness.now) {
                    for source in batch.sources { durable[source.partition, default: []].insert(source.offset) }
                    harness.answer(batch.id)
                } else {
                    harness.abandon(batch.id)
                }
                checkSends()
            }
            for letter in harness.deadLetters.values {
                durable[letter.source.partition, default: []].insert(letter.source.offset)
                harness.deadLetterResult(letter.ticket, delivered: true)
            }
            harness.tick(after: .seconds(1))
        }
        checkCommits()
        #expect(harness.finished, "seed \(seed): the stop finished")
    }
}
