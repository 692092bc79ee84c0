import Foundation
import Logging
import RdKafka
import Synchronization
import TestSupport
import Testing

extension RdKafkaIntegrationTests {
    @Test(
        "with the whole cluster down, commitAndWait ends at its timeout and close at its bound, not at the session timeout",
        arguments: TestBroker.selectedWithFaultInjection
    )
    func commitAndCloseAreBoundedWithoutACoordinator(broker: TestBroker) async throws {
        var (_, _, configuration) = try await Harness.topicWithRecords(20, named: "bounded", on: broker)
        // librdkafka holds a commit without a coordinator, and its close, up to the session timeout: make that long.
        configuration.sessionTimeout = .seconds(30)
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let collector = EventCollector(consumer: consumer)
        try consumer.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { collector.records.count >= 20 })
        let offsets = collector.state.withLock { $0.nextOffsets }

        try MockControl.send("down -1")
        defer { try? MockControl.send("up -1") }
        let commitStarted = ContinuousClock.now
        let commitError = await #expect(throws: KafkaError.self) {
            try await consumer.commitAndWait(offsets, timeout: .seconds(2))
        }
        let commitTook = ContinuousClock.now - commitStarted
        #expect(commitError?.kind == .timedOut, "\(String(describing: commitError))")
        #expect(commitTook < .seconds(10), "commitAndWait took \(commitTook) (timeout 2 s)")

        let closeStarted = ContinuousClock.now
        await consumer.close(timeout: .seconds(2))
        await collector.finished()
        let closeTook = ContinuousClock.now - closeStarted
        #expect(closeTook < .seconds(12), "close took \(closeTook) (bound 2 s, session timeout 30 s)")
    }

    @Test("cancelling the task stops waiting for a commit's answer", arguments: TestBroker.selectedWithFaultInjection)
    func cancellingACommitWaitEndsIt(broker: TestBroker) async throws {
        var (_, _, configuration) = try await Harness.topicWithRecords(10, named: "cancel", on: broker)
        configuration.sessionTimeout = .seconds(30)
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let collector = EventCollector(consumer: consumer)
        try consumer.start()
        #expect(await Harness.eventually(timeout: .seconds(30)) { collector.records.count >= 10 })
        let offsets = collector.state.withLock { $0.nextOffsets }

        try MockControl.send("down -1")
        defer { try? MockControl.send("up -1") }
        let waiting = Task { try await consumer.commitAsync(offsets) }
        waiting.cancel()
        let started = ContinuousClock.now
        let result = await waiting.result
        #expect(throws: KafkaError.self) { try result.get() }
        #expect(ContinuousClock.now - started < .seconds(5))
        await consumer.close(timeout: .seconds(1))
        await collector.finished()
    }

    @Test("lastPollInstant is nil before start, then follows the poll loop", arguments: TestBroker.selected)
    func lastPollInstantFollowsThePollLoop(broker: TestBroker) async throws {
        let (_, _, configuration) = try await Harness.topicWithRecords(1, named: "instant", on: broker)
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        #expect(consumer.lastPollInstant == nil)
        let collector = EventCollector(consumer: consumer)
        let startedAt = ContinuousClock.now
        try consumer.start()
        #expect(await Harness.eventually(timeout: .seconds(10)) { consumer.lastPollInstant != nil })
        let first = try #require(consumer.lastPollInstant)
        #expect(first >= startedAt)
        // The loop goes around at least every poll timeout (100 ms): the stamp moves on.
        #expect(await Harness.eventually(timeout: .seconds(5)) { (consumer.lastPollInstant ?? first) > first })
        #expect(ContinuousClock.now - (consumer.lastPollInstant ?? first) < .seconds(5))
        await consumer.close()
        await collector.finished()
    }
}

@Suite struct KafkaProducerStopTests {
    @Test("a send to an unreachable broker ends on cancellation, and close purges it within its bound")
    func sendWaitEndsOnCancellationAndCloseIsBounded() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.properties = ["message.timeout.ms": "300000"]
        let producer = try KafkaProducer(configuration: configuration, logger: Harness.logger)
        let sending = Task {
            try await producer.send(topic: "nowhere", key: nil, value: Array("x".utf8))
        }
        // The message cannot be delivered for 300 s: only the cancellation ends the wait.
        sending.cancel()
        let result = await sending.result
        #expect(throws: KafkaError.self) { try result.get() }

        let stillQueued = Task { try await producer.send(topic: "nowhere", key: nil, value: Array("y".utf8)) }
        let closeStarted = ContinuousClock.now
        await producer.close(flushTimeout: .seconds(1))
        let closeTook = ContinuousClock.now - closeStarted
        #expect(closeTook < .seconds(10), "close took \(closeTook) (flush bound 1 s)")
        await #expect(throws: KafkaError.self) { try await stillQueued.value }
    }
}
