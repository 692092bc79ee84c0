import RdKafka

/// A Kafka message to produce.
struct OutgoingMessage: Sendable {
    var key: [UInt8]?
    var value: [UInt8]?
}

/// Produces test messages with the repository's ``KafkaProducer`` (lz4, so that the mock's 5 MiB per partition
/// holds them), keeping the order of messages that share a key.
///
/// ``KafkaProducer/send(topic:key:value:headers:)`` waits for each delivery, so messages are sent by many
/// sequential lanes at once; a key always uses the same lane, which keeps per-key (per document id) order.
final class TestProducer: Sendable {
    let topic: String
    private let producer: KafkaProducer
    private let lanes: Int

    init(bootstrap: String, topic: String, lanes: Int = 256) throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        configuration.properties = ["compression.type": "lz4", "linger.ms": "10", "batch.num.messages": "10000"]
        producer = try KafkaProducer(configuration: configuration, logger: IntegrationEnvironment.logger)
        self.topic = topic
        self.lanes = lanes
    }

    /// Sends `messages` and returns where each was delivered, in input order.
    func send(_ messages: [OutgoingMessage]) async throws -> [KafkaProducer.Delivery] {
        var positionsByLane = [[Int]](repeating: [], count: lanes)
        for (position, message) in messages.enumerated() {
            positionsByLane[Self.lane(of: message.key, lanes: lanes)].append(position)
        }
        let producer = self.producer
        let topic = self.topic
        var deliveries = [KafkaProducer.Delivery](repeating: (-1, -1), count: messages.count)
        try await withThrowingTaskGroup(of: [(Int, KafkaProducer.Delivery)].self) { group in
            for positions in positionsByLane where !positions.isEmpty {
                let laneMessages = positions.map { ($0, messages[$0]) }
                group.addTask {
                    var results: [(Int, KafkaProducer.Delivery)] = []
                    for (position, message) in laneMessages {
                        let delivery = try await producer.send(topic: topic, key: message.key, value: message.value)
                        results.append((position, delivery))
                    }
                    return results
                }
            }
            for try await results in group {
                for (position, delivery) in results { deliveries[position] = delivery }
            }
        }
        return deliveries
    }

    /// Sends one message and returns where it was delivered.
    func send(_ message: OutgoingMessage) async throws -> KafkaProducer.Delivery {
        try await producer.send(topic: topic, key: message.key, value: message.value)
    }

    func close() async {
        await producer.close()
    }

    private static func lane(of key: [UInt8]?, lanes: Int) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in key ?? [] { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(lanes))
    }
}

/// The end of each partition (next offset to be written) given the deliveries seen.
func highWatermarks(of deliveries: [KafkaProducer.Delivery]) -> [Int32: Int64] {
    var ends: [Int32: Int64] = [:]
    for delivery in deliveries where delivery.partition >= 0 {
        ends[delivery.partition] = max(ends[delivery.partition] ?? 0, delivery.offset + 1)
    }
    return ends
}

extension TestEvent {
    var message: OutgoingMessage { OutgoingMessage(key: key, value: value) }
}

extension PoisonEvent {
    var message: OutgoingMessage { OutgoingMessage(key: key, value: value) }
}
