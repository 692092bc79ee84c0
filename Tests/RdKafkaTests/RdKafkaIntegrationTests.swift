import Foundation
import Logging
import RdKafka
import Synchronization
import TestSupport
import Testing

/// Integration tests of the Kafka layer against the real test brokers (`scripts/brokers.sh start`), selected by
/// `KB_TEST_BROKERS` (default `mock,tansu`). Every test uses a unique topic and group.
@Suite(.serialized, .timeLimit(.minutes(8)), .enabled(if: !TestBroker.selected.isEmpty, "KB_TEST_BROKERS is empty"))
struct RdKafkaIntegrationTests {
    @Test(
        "a group member consumes every record and its synchronous commit is what the broker stores",
        arguments: TestBroker.selected
    )
    func groupConsumeAndCommit(broker: TestBroker) async throws {
        let bootstrap = try broker.bootstrap()
        let topic = Harness.uniqueName("consume")
        try await Harness.createTopic(topic, on: broker)
        let values = try await Harness.produce(60, to: topic, bootstrap: bootstrap)

        var configuration = Harness.consumerConfiguration(
            bootstrap: bootstrap,
            topic: topic,
            group: Harness.uniqueName("g")
        )
        configuration.statisticsInterval = .milliseconds(500)
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let collector = EventCollector(consumer: consumer)
        try consumer.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { collector.records.count >= values.count })

        let records = collector.records
        #expect(Set(records.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }) == Set(values))
        #expect(records.count == values.count)
        let next = collector.state.withLock { $0.nextOffsets }
        try consumer.commit(next)
        let committed = try consumer.committedOffsets(for: Array(next.keys))
        #expect(committed == next)
        // The statistics event reports the committed offsets once librdkafka has seen the commit.
        let sawCommitInStatistics = await Harness.eventually(timeout: .seconds(10)) {
            collector.state.withLock { state in
                guard let last = state.statistics.last else { return false }
                return next.allSatisfy { last.partitions[$0.key]?.committedOffset == $0.value }
            }
        }
        #expect(sawCommitInStatistics)
        await consumer.close()
        await collector.finished()
    }

    @Test(
        "a restarted member resumes exactly at the committed offsets: nothing missing, nothing twice",
        arguments: TestBroker.selected
    )
    func restartResumesAtCommittedOffset(broker: TestBroker) async throws {
        let bootstrap = try broker.bootstrap()
        let topic = Harness.uniqueName("resume")
        let group = Harness.uniqueName("g")
        try await Harness.createTopic(topic, on: broker)
        let values = try await Harness.produce(200, to: topic, bootstrap: bootstrap)
        let configuration = Harness.consumerConfiguration(bootstrap: bootstrap, topic: topic, group: group)

        let first = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let firstCollector = EventCollector(consumer: first, limit: 90, commit: .syncPerBatch)
        try first.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { firstCollector.records.count >= 90 })
        await first.close()
        await firstCollector.finished()

        let second = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let secondCollector = EventCollector(consumer: second, commit: .asyncPerBatch)
        try second.start()
        let expectedRest = values.count - firstCollector.records.count
        #expect(await Harness.eventually(timeout: .seconds(30)) { secondCollector.records.count >= expectedRest })
        try await Task.sleep(for: .seconds(1))  // anything extra (a duplicate) would arrive now
        await second.close()
        await secondCollector.finished()

        let firstValues = firstCollector.records.compactMap(\.value)
        let secondValues = secondCollector.records.compactMap(\.value)
        #expect(firstValues.count == 90)
        #expect(Set(firstValues).isDisjoint(with: Set(secondValues)), "a record was delivered twice")
        #expect(firstValues.count + secondValues.count == values.count, "records missing or duplicated")
        #expect(Set(firstValues + secondValues).count == values.count)
    }

    @Test(
        "two members split the partitions and one gets them all back when the other leaves",
        arguments: TestBroker.selected
    )
    func twoMembersSplitAndRecover(broker: TestBroker) async throws {
        let configuration = try await Harness.topicWithRecords(8, named: "split", on: broker).configuration

        let first = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let firstCollector = EventCollector(consumer: first, commit: .syncPerBatch)
        try first.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { firstCollector.assigned.count == 4 })

        let second = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let secondCollector = EventCollector(consumer: second, commit: .syncPerBatch)
        try second.start()
        let split = await Harness.eventually(timeout: .seconds(40)) {
            firstCollector.assigned.count == 2 && secondCollector.assigned.count == 2
        }
        #expect(split, "assignments: \(firstCollector.assigned) / \(secondCollector.assigned)")
        #expect(firstCollector.assigned.isDisjoint(with: secondCollector.assigned))
        // tansu can wedge a group when a member leaves right after a join: let the group settle first.
        try await Task.sleep(for: .seconds(3))

        await second.close()
        await secondCollector.finished()
        #expect(await Harness.eventually(timeout: .seconds(40)) { firstCollector.assigned.count == 4 })
        await first.close()
        await firstCollector.finished()
    }

    @Test(
        "records the reader has not taken pause fetching past the handoff bound; reading them lets the rest come",
        arguments: TestBroker.selected
    )
    func handoffBoundPausesFetchingUntilRecordsAreTaken(broker: TestBroker) async throws {
        var configuration = try await Harness.topicWithRecords(60, named: "handoff", on: broker).configuration
        configuration.maximumHandoffBytes = 200
        configuration.maximumRecordsPerEvent = 1
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        try consumer.start()
        // Nobody reads the events yet: what the poll thread hands over waits in the sequence's buffer.
        #expect(await Harness.eventually(timeout: .seconds(30)) { consumer.handoffBufferedBytes > 200 })
        try await Task.sleep(for: .seconds(3))  // on purpose: time for fetching to run past the bound if it would
        let heldBack = consumer.handoffBufferedBytes
        // Each record is `key-i` / `value-i`: 60 of them are over 600 bytes; the bound stops at 200 plus the pre-fetch
        // of the poll that crossed it.
        #expect(heldBack < 500, "the handoff bound did not stop fetching (\(heldBack) bytes waiting)")
        let lastPoll = try #require(consumer.lastPollInstant)
        #expect(
            await Harness.eventually(timeout: .seconds(5)) { (consumer.lastPollInstant ?? lastPoll) > lastPoll },
            "the poll loop stalled"
        )

        let collector = EventCollector(consumer: consumer)
        let allArrived = await Harness.eventually(timeout: .seconds(60)) { collector.records.count >= 60 }
        #expect(allArrived, "only \(collector.records.count) of 60 once read")
        #expect(Set(collector.records.map { $0.value ?? [] }).count == 60)
        #expect(consumer.handoffBufferedBytes == 0)
        await consumer.close()
        await collector.finished()
    }

    @Test(
        "paused partitions deliver nothing while polling continues, and deliver after resume",
        arguments: TestBroker.selected
    )
    func pauseAndResume(broker: TestBroker) async throws {
        let (bootstrap, topic, prepared) = try await Harness.topicWithRecords(20, named: "pause", on: broker)
        var configuration = prepared
        configuration.statisticsInterval = .milliseconds(300)
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let collector = EventCollector(consumer: consumer)
        try consumer.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { collector.records.count >= 20 })

        let partitions = Array(collector.assigned)
        #expect(partitions.count == 4)
        try consumer.pause(partitions)
        let statisticsBefore = collector.state.withLock { $0.statistics.count }
        try await Harness.produce(20, to: topic, bootstrap: bootstrap, startingAt: 20)
        try await Task.sleep(for: .seconds(3))  // on purpose: time for records to arrive if the pause did not hold
        #expect(collector.records.count == 20, "records arrived while paused")
        #expect(collector.state.withLock { $0.statistics.count } > statisticsBefore + 3, "the poll loop stalled")
        #expect(collector.assigned.count == 4, "membership lost while paused")

        try consumer.resume(partitions)
        #expect(await Harness.eventually(timeout: .seconds(20)) { collector.records.count >= 40 })
        #expect(collector.records.count == 40)
        await consumer.close()
        await collector.finished()
    }

    @Test(
        "a partition paused before a rebalance fetches again once assigned anew (librdkafka keeps the pause)",
        arguments: TestBroker.selected
    )
    func pauseDoesNotOutliveTheAssignment(broker: TestBroker) async throws {
        let (bootstrap, topic, configuration) = try await Harness.topicWithRecords(8, named: "repause", on: broker)
        let first = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let firstCollector = EventCollector(consumer: first, commit: .syncPerBatch)
        try first.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { firstCollector.records.count >= 8 })
        try first.pause(Array(firstCollector.assigned))

        // A second member joins and leaves: the first gets all four partitions back, never resumed by its caller.
        let second = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let secondCollector = EventCollector(consumer: second, commit: .syncPerBatch)
        try second.start()
        #expect(await Harness.eventually(timeout: .seconds(40)) { secondCollector.assigned.count == 2 })
        try await Task.sleep(for: .seconds(3))  // tansu can wedge a group when a member leaves right after a join
        await second.close()
        await secondCollector.finished()
        #expect(await Harness.eventually(timeout: .seconds(40)) { firstCollector.assigned.count == 4 })

        try await Harness.produce(20, to: topic, bootstrap: bootstrap, startingAt: 8)
        let all = await Harness.eventually(timeout: .seconds(30)) {
            Set(firstCollector.records.map { $0.value ?? [] }).count == 28
        }
        #expect(all, "the first member got \(firstCollector.records.count) records; a stale pause kept some back")
        await first.close()
        await firstCollector.finished()
    }

    @Test(
        "headers (binary and null values), binary keys and tombstones round-trip unchanged",
        arguments: TestBroker.selected
    )
    func headersAndTombstonesRoundTrip(broker: TestBroker) async throws {
        let bootstrap = try broker.bootstrap()
        let topic = Harness.uniqueName("headers")
        try await Harness.createTopic(topic, on: broker)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap),
            logger: Harness.logger
        )
        let binaryKey: [UInt8] = [0x00, 0xFF, 0xFE, 0x80]
        let headers = [
            KafkaHeader(name: "trace", value: Array("abc".utf8)),
            KafkaHeader(name: "bin", value: [0x00, 0xFF, 0x10]),
            KafkaHeader(name: "empty", value: []),
            KafkaHeader(name: "null", value: nil),
        ]
        let tombstone = try await producer.send(topic: topic, key: binaryKey, value: nil, headers: headers)
        let noKey = try await producer.send(topic: topic, key: nil, value: Array("{\"a\":1}".utf8))
        await producer.close()

        let consumer = try KafkaConsumer(
            configuration: Harness.consumerConfiguration(
                bootstrap: bootstrap,
                topic: topic,
                group: Harness.uniqueName("g")
            ),
            logger: Harness.logger
        )
        let collector = EventCollector(consumer: consumer)
        try consumer.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { collector.records.count >= 2 })
        await consumer.close()
        await collector.finished()

        let records = collector.records
        let deleted = try #require(
            records.first { $0.partition == tombstone.partition && $0.offset == tombstone.offset }
        )
        #expect(deleted.value == nil)
        #expect(deleted.key == binaryKey)
        #expect(deleted.headers == headers)
        #expect(deleted.timestamp != nil)
        let keyless = try #require(records.first { $0.partition == noKey.partition && $0.offset == noKey.offset })
        #expect(keyless.key == nil)
        #expect(keyless.value == Array("{\"a\":1}".utf8))
        #expect(keyless.headers.isEmpty)
    }
}
