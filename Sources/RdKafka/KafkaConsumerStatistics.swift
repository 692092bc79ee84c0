import Foundation

/// Per-partition figures parsed from librdkafka's statistics JSON (`statistics.interval.ms`).
public struct KafkaConsumerStatistics: Sendable {
    /// Figures for one assigned partition.
    public struct PartitionStatistics: Sendable, Equatable {
        /// Messages between the consumer's position and the high watermark; `nil` when librdkafka does not know
        /// (it reports -1). Unreliable on tansu, whose high watermark is wrong.
        public var consumerLag: Int64?
        /// The last committed offset, or `nil` when none is known.
        public var committedOffset: Int64?
        /// The next offset the consumer will fetch, or `nil` when not known.
        public var position: Int64?
        /// The partition's high watermark as the broker reported it, or `nil`.
        public var highWatermark: Int64?

        /// Creates partition figures (`nil` means unknown).
        public init(consumerLag: Int64?, committedOffset: Int64?, position: Int64?, highWatermark: Int64?) {
            self.consumerLag = consumerLag
            self.committedOffset = committedOffset
            self.position = position
            self.highWatermark = highWatermark
        }
    }

    /// Statistics per partition currently fetched by this consumer.
    public var partitions: [KafkaTopicPartition: PartitionStatistics]
    /// Messages waiting in librdkafka's local queues (`replyq` + fetch queues).
    public var queuedMessages: Int64

    /// Parses librdkafka's JSON. Returns `nil` if it is not the expected shape (never throws on odd data).
    public init?(json: [UInt8]) {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return nil }
        var partitions: [KafkaTopicPartition: PartitionStatistics] = [:]
        var queued: Int64 = 0
        let topics = root["topics"] as? [String: Any] ?? [:]
        for (topic, topicValue) in topics {
            guard let partitionsObject = (topicValue as? [String: Any])?["partitions"] as? [String: Any] else {
                continue
            }
            for (key, value) in partitionsObject {
                guard let number = Int32(key), number >= 0, let fields = value as? [String: Any] else { continue }
                let fetchState = fields["fetch_state"] as? String ?? "none"
                queued += Self.int(fields["fetchq_cnt"]) ?? 0
                guard fetchState != "none" else { continue }
                partitions[KafkaTopicPartition(topic: topic, partition: number)] = PartitionStatistics(
                    consumerLag: Self.known(fields["consumer_lag"]),
                    committedOffset: Self.known(fields["committed_offset"]),
                    position: Self.known(fields["next_offset"]),
                    highWatermark: Self.known(fields["hi_offset"])
                )
            }
        }
        self.partitions = partitions
        self.queuedMessages = queued
    }

    private static func int(_ value: Any?) -> Int64? {
        (value as? NSNumber)?.int64Value
    }

    /// librdkafka uses -1 (and -1001, `OFFSET_INVALID`) for "unknown".
    private static func known(_ value: Any?) -> Int64? {
        guard let number = int(value), number >= 0 else { return nil }
        return number
    }
}
