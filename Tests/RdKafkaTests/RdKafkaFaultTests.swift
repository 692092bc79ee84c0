import Foundation
import Logging
import RdKafka
import Synchronization
import TestSupport
import Testing

extension RdKafkaIntegrationTests {
    @Test(
        "a whole-cluster outage of 8 s is survived without losing a record",
        arguments: TestBroker.selectedWithFaultInjection
    )
    func brokerOutageLosesNothing(broker: TestBroker) async throws {
        let bootstrap = try broker.bootstrap()
        let topic = Harness.uniqueName("outage")
        try await Harness.createTopic(topic, on: broker)
        try await Harness.produce(50, to: topic, bootstrap: bootstrap)
        let consumer = try KafkaConsumer(
            configuration: Harness.consumerConfiguration(
                bootstrap: bootstrap,
                topic: topic,
                group: Harness.uniqueName("g")
            ),
            logger: Harness.logger
        )
        let collector = EventCollector(consumer: consumer, commit: .syncPerBatch)
        try consumer.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { collector.records.count >= 50 })

        try MockControl.send("down -1")
        // Produced during the outage: the producer retries until the cluster is back.
        async let produced = Harness.produce(50, to: topic, bootstrap: bootstrap, startingAt: 50)
        try await Task.sleep(for: .seconds(8))  // on purpose: the outage lasts 8 s
        try MockControl.send("up -1")
        _ = try await produced

        #expect(
            await Harness.eventually(timeout: .seconds(60)) { Set(collector.records.compactMap(\.value)).count >= 100 }
        )
        let values = Set(collector.records.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } })
        #expect(values == Set((0..<100).map { "value-\($0)" }))
        await consumer.close()
        await collector.finished()
    }

    @Test(
        "a member fenced by the coordinator reports its partitions lost (no commit) and is assigned again",
        arguments: TestBroker.selectedWithFaultInjection
    )
    func fencedMemberReportsPartitionsLost(broker: TestBroker) async throws {
        let bootstrap = try broker.bootstrap()
        let topic = Harness.uniqueName("lost")
        try await Harness.createTopic(topic, on: broker)
        try await Harness.produce(4, to: topic, bootstrap: bootstrap)
        let consumer = try KafkaConsumer(
            configuration: Harness.consumerConfiguration(
                bootstrap: bootstrap,
                topic: topic,
                group: Harness.uniqueName("g")
            ),
            logger: Harness.logger
        )
        let collector = EventCollector(consumer: consumer, commit: .syncPerBatch)
        try consumer.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { collector.assigned.count == 4 })

        try MockControl.send("err 12 25 1")  // next Heartbeat: UNKNOWN_MEMBER_ID
        #expect(await Harness.eventually(timeout: .seconds(20)) { collector.state.withLock { $0.lostEvents } >= 1 })
        #expect(await Harness.eventually(timeout: .seconds(30)) { collector.assigned.count == 4 })
        await consumer.close()
        await collector.finished()
    }

    @Test(
        "a cooperative-sticky consumer closed right after start (before any assignment) does not abort",
        arguments: TestBroker.selected
    )
    func cooperativeCloseBeforeFirstAssignment(broker: TestBroker) async throws {
        let configuration = try await Harness.topicWithRecords(
            1,
            named: "coop",
            on: broker,
            strategy: .cooperativeSticky
        ).configuration
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let collector = EventCollector(consumer: consumer)
        try consumer.start()
        try await Task.sleep(for: .milliseconds(200))  // on purpose: close soon after joining, before any assignment
        await consumer.close()
        await collector.finished()
        // Reaching this line means the process survived; the guard waited for the first assignment.
        #expect(collector.state.withLock { $0.rebalances } >= 1)
    }

    @Test(
        "a cooperative-sticky consumer stuck between JoinGroup and SyncGroup closes without aborting",
        arguments: TestBroker.selectedWithFaultInjection
    )
    func cooperativeCloseWhileSyncGroupFails(broker: TestBroker) async throws {
        let bootstrap = try broker.bootstrap()
        let topic = Harness.uniqueName("coopstuck")
        try await Harness.createTopic(topic, on: broker)
        // Every SyncGroup fails (REBALANCE_IN_PROGRESS): the protocol is chosen, the first assignment never comes.
        // Destroying such a consumer aborts librdkafka 2.0.2 (rd_kafka_sticky_assignor_state_destroy assertion).
        try MockControl.send("err 14 27 1000")
        defer { try? MockControl.send("clear 14") }
        var configuration = Harness.consumerConfiguration(
            bootstrap: bootstrap,
            topic: topic,
            group: Harness.uniqueName("g"),
            strategy: .cooperativeSticky
        )
        configuration.firstAssignmentWaitOnClose = .seconds(2)
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let collector = EventCollector(consumer: consumer)
        try consumer.start()
        try await Task.sleep(for: .seconds(4))  // the mock answers the first JoinGroup after 3 s
        await consumer.close()
        await collector.finished()
        #expect(collector.state.withLock { $0.rebalances } == 0)
    }

    @Test("a configuration value librdkafka rejects fails init with an error naming the key")
    func configurationErrorNamesTheKey() throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "127.0.0.1:1", groupID: "g", topics: ["t"])
        configuration.properties["session.timeout.ms"] = "banana"
        let error = try #require(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        }
        #expect(error.kind == .configuration)
        #expect(error.configurationKey == "session.timeout.ms")
        #expect(error.description.hasPrefix("kafka.properties.session.timeout.ms: librdkafka rejected the value"))
        #expect(!error.description.contains("banana"), "the rejected value (possibly a secret) is never echoed")

        var unknown = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        unknown.properties["no.such.property"] = "1"
        let producerError = try #require(throws: KafkaError.self) {
            _ = try KafkaProducer(configuration: unknown, logger: Harness.logger)
        }
        #expect(producerError.configurationKey == "no.such.property")
    }
}
