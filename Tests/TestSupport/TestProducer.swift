import Logging
import RdKafka

/// A Kafka message to produce.
public struct OutgoingMessage: Sendable {
    /// The key bytes, or `nil`.
    public var key: [UInt8]?
    /// The value bytes, or `nil` (a tombstone).
    public var value: [UInt8]?

    /// Creates a message.
    public init(key: [UInt8]?, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// Produces test messages with the repository's ``KafkaProducer`` (lz4, so that the mock's 5 MiB per partition
/// holds them), keeping the order of messages that share a key.
///
/// ``KafkaProducer/send(topic:key:value:headers:)`` waits for each delivery, so messages are sent by many
/// sequential lanes at once; a key always uses the same lane, which keeps per-key (per document id) order.
public final class TestProducer: Sendable {
    /// The topic messages go to.
    public let topic: String
    private let producer: KafkaProducer
    private let lanes: Int

    /// Creates the producer (`logger` receives librdkafka's lines; quiet by default).
    public init(bootstrap: String, topic: String, lanes: Int = 256, logger: Logger = TestProducer.quietLogger) throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: bootstrap)
        configuration.properties = ["compression.type": "lz4", "linger.ms": "10", "batch.num.messages": "10000"]
        producer = try KafkaProducer(configuration: configuration, logger: logger)
        self.topic = topic
        self.lanes = lanes
    }

    /// Sends `messages` and returns where each was delivered, in input order.
    public func send(_ messages: [OutgoingMessage]) async throws -> [KafkaProducer.Delivery] {
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
    public func send(_ message: OutgoingMessage) async throws -> KafkaProducer.Delivery {
        try await producer.send(topic: topic, key: message.key, value: message.value)
    }

    /// Flushes and closes the producer.
    public func close() async {
        await producer.close()
    }

    private static func lane(of key: [UInt8]?, lanes: Int) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in key ?? [] { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(lanes))
    }
}

/// The end of each partition (next offset to be written) given the deliveries seen.
public func highWatermarks(of deliveries: [KafkaProducer.Delivery]) -> [Int32: Int64] {
    var ends: [Int32: Int64] = [:]
    for delivery in deliveries where delivery.partition >= 0 {
        ends[delivery.partition] = max(ends[delivery.partition] ?? 0, delivery.offset + 1)
    }
    return ends
}

extension TestProducer {
    /// A logger that prints nothing below critical.
    public static var quietLogger: Logger {
        var logger = Logger(label: "test-producer")
        logger.logLevel = .critical
        return logger
    }
}

/// Produces `values` (no key; an `origin: test` header) to `topic` and waits for the broker's acknowledgements.
public func produce(_ values: [String], to topic: String, bootstrap: String) async throws {
    let producer = try KafkaProducer(
        configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap),
        logger: TestProducer.quietLogger
    )
    for value in values {
        _ = try await producer.send(
            topic: topic,
            key: nil,
            value: Array(value.utf8),
            headers: [KafkaHeader(name: "origin", value: Array("test".utf8))]
        )
    }
    await producer.close()
}
