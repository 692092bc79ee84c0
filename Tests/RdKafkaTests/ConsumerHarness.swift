import Foundation
import Logging
import RdKafka
import Synchronization
import TestSupport
import Testing

/// Shared helpers: unique names, configurations, producing test data, polling for a condition.
enum Harness {
    static let logger: Logger = {
        var logger = Logger(label: "rdkafka-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["KB_TEST_LOG"] == "1" ? .debug : .critical
        return logger
    }()

    static func uniqueName(_ prefix: String) -> String {
        TestSupport.uniqueName(prefix)
    }

    static func consumerConfiguration(
        bootstrap: String,
        topic: String,
        group: String,
        strategy: KafkaConsumerConfiguration.AssignmentStrategy = .range
    ) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap, groupID: group, topics: [topic])
        configuration.sessionTimeout = .milliseconds(6000)
        configuration.assignmentStrategy = strategy
        configuration.revocationTimeout = .seconds(5)
        configuration.properties["fetch.wait.max.ms"] = "50"
        return configuration
    }

    /// The prelude of most tests: a new 4-partition topic named after `prefix` with `count` records produced, and a
    /// consumer configuration for a new group on it.
    static func topicWithRecords(
        _ count: Int,
        named prefix: String,
        on broker: TestBroker,
        strategy: KafkaConsumerConfiguration.AssignmentStrategy = .range
    ) async throws -> (bootstrap: String, topic: String, configuration: KafkaConsumerConfiguration) {
        let bootstrap = try broker.bootstrap()
        let topic = uniqueName(prefix)
        try await createTopic(topic, on: broker)
        try await produce(count, to: topic, bootstrap: bootstrap)
        let configuration = consumerConfiguration(
            bootstrap: bootstrap,
            topic: topic,
            group: uniqueName("g"),
            strategy: strategy
        )
        return (bootstrap, topic, configuration)
    }

    /// Creates a 4-partition topic (mock: through the control FIFO; tansu: auto-created by a first produce).
    static func createTopic(_ topic: String, on broker: TestBroker) async throws {
        if broker == .mock { try MockControl.send("topic \(topic) 4 1") }
    }

    /// Produces `count` messages `key-i` / `value-i` (plus a `seq` header) with our own producer, all delivered.
    @discardableResult
    static func produce(
        _ count: Int,
        to topic: String,
        bootstrap: String,
        startingAt first: Int = 0
    ) async throws -> [String] {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap),
            logger: logger
        )
        let values = (first..<(first + count)).map { "value-\($0)" }
        do {
            try await sendAll(values, first: first, topic: topic, producer: producer)
        } catch {
            await producer.close()
            throw error
        }
        await producer.close()
        return values
    }

    private static func sendAll(_ values: [String], first: Int, topic: String, producer: KafkaProducer) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, value) in values.enumerated() {
                group.addTask {
                    _ = try await producer.send(
                        topic: topic,
                        key: Array("key-\(first + index)".utf8),
                        value: Array(value.utf8),
                        headers: [KafkaHeader(name: "seq", value: Array("\(first + index)".utf8))]
                    )
                }
            }
            try await group.waitForAll()
        }
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes (see ``TestSupport/eventually``).
    static func eventually(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        await TestSupport.eventually(timeout: timeout, condition)
    }
}

/// Reads a consumer's events on a task and keeps what the tests assert on.
///
/// "Processing" a record means keeping it; after `limit` records, later ones are ignored (not processed, not
/// committed). Revocations are finished with the next offsets of the processed records of the revoked partitions.
final class EventCollector: Sendable {
    enum CommitMode: Sendable { case none, syncPerBatch, asyncPerBatch }

    struct State {
        var records: [KafkaRecord] = []
        var nextOffsets: [KafkaTopicPartition: Int64] = [:]
        var assigned: Set<KafkaTopicPartition> = []
        var rebalances = 0
        var lostEvents = 0
        var statistics: [KafkaConsumerStatistics] = []
        var errors: [KafkaError] = []
        var lastRebalance = ContinuousClock.now
    }

    let state = Mutex(State())
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    init(consumer: KafkaConsumer, limit: Int = .max, commit: CommitMode = .none) {
        // The task holds `self` until the stream ends (after the consumer closed), which breaks the cycle.
        let reader = Task { [self] in
            for await event in consumer.events {
                switch event {
                case .records(let records):
                    let toCommit = self.state.withLock { state -> [KafkaTopicPartition: Int64] in
                        let room = max(limit - state.records.count, 0)
                        let kept = records.prefix(room)
                        state.records.append(contentsOf: kept)
                        var batch: [KafkaTopicPartition: Int64] = [:]
                        for record in kept {
                            state.nextOffsets[record.topicPartition] = record.offset + 1
                            batch[record.topicPartition] = record.offset + 1
                        }
                        return batch
                    }
                    switch commit {
                    case .none: break
                    case .syncPerBatch: try? consumer.commit(toCommit)
                    case .asyncPerBatch: try? await consumer.commitAsync(toCommit)
                    }
                case .partitionsAssigned(let partitions):
                    state.withLock {
                        $0.assigned.formUnion(partitions)
                        $0.rebalances += 1
                        $0.lastRebalance = .now
                    }
                case .partitionsRevoked(let partitions, let revocation):
                    let offsets = state.withLock { state in
                        state.assigned.subtract(partitions)
                        state.rebalances += 1
                        state.lastRebalance = .now
                        return state.nextOffsets.filter { partitions.contains($0.key) }
                    }
                    revocation.finish(committing: commit == .none ? [:] : offsets)
                case .partitionsLost(let partitions):
                    state.withLock {
                        $0.assigned.subtract(partitions)
                        $0.lostEvents += 1
                        $0.lastRebalance = .now
                    }
                case .statistics(let statistics):
                    state.withLock { $0.statistics.append(statistics) }
                case .error(let error):
                    state.withLock { $0.errors.append(error) }
                }
            }
        }
        task.withLock { $0 = reader }
    }

    var records: [KafkaRecord] { state.withLock { $0.records } }
    var assigned: Set<KafkaTopicPartition> { state.withLock { $0.assigned } }

    /// Waits until the event stream ended (after the consumer closed).
    func finished() async {
        await task.withLock { $0 }?.value
    }
}
