import RdKafka
import TestSupport

/// Reads a consumer group's committed offsets without joining the group (the consumer is never subscribed).
final class OffsetsProbe: Sendable {
    private let consumer: KafkaConsumer
    private let partitions: [KafkaTopicPartition]

    init(bootstrap: String, group: String, topic: String) throws {
        let configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap, groupID: group, topics: [topic])
        consumer = try KafkaConsumer(configuration: configuration, logger: IntegrationEnvironment.logger)
        partitions = (0..<IntegrationEnvironment.partitionCount).map {
            KafkaTopicPartition(topic: topic, partition: $0)
        }
    }

    /// The committed offset (next offset to read) per partition; partitions without a commit are absent.
    func committed() throws -> [Int32: Int64] {
        let offsets = try consumer.committedOffsets(for: partitions, timeout: .seconds(5))
        return Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.partition, $0.value) })
    }

    /// Waits until every partition of `ends` has its committed offset at (or past) its end; returns whether it did.
    func waitUntilCommitted(_ ends: [Int32: Int64], timeout: Duration) async -> Bool {
        await IntegrationEnvironment.eventually(timeout: timeout, interval: .milliseconds(200)) {
            guard let committed = try? committed() else { return false }
            return ends.allSatisfy { committed[$0.key] ?? 0 >= $0.value }
        }
    }

    func close() async {
        await consumer.close()
    }
}
