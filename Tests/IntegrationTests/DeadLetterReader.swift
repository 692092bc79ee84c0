import RdKafka
import Synchronization
import TestSupport

/// Reads a dead-letter topic from the beginning with a fresh consumer group.
enum DeadLetterReader {
    /// Consumes `topic` until `expected` records arrived (then `settle` longer, to catch extras) or `timeout` passed.
    static func read(
        topic: String,
        bootstrap: String,
        expected: Int,
        timeout: Duration = .seconds(30),
        settle: Duration = .seconds(2)
    ) async throws -> [KafkaRecord] {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: bootstrap,
            groupID: IntegrationEnvironment.uniqueName("dlq-reader"),
            topics: [topic]
        )
        configuration.sessionTimeout = .seconds(6)
        configuration.properties["fetch.wait.max.ms"] = "50"
        let consumer = try KafkaConsumer(configuration: configuration, logger: IntegrationEnvironment.logger)
        let collected = CollectedRecords()
        let reader = Task {
            for await event in consumer.events {
                switch event {
                case .records(let batch): collected.records.withLock { $0 += batch }
                case .partitionsRevoked(_, let revocation): revocation.finish()
                default: break
                }
            }
        }
        try consumer.start()
        _ = await IntegrationEnvironment.eventually(timeout: timeout) {
            collected.records.withLock { $0.count } >= expected
        }
        try? await Task.sleep(for: settle)
        await consumer.close()
        await reader.value
        return collected.records.withLock { $0 }
    }
}

/// Records collected by the reader task.
private final class CollectedRecords: Sendable {
    let records = Mutex<[KafkaRecord]>([])
}

extension KafkaRecord {
    /// The value of the first header named `name`, as text.
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}
