/// One header of a Kafka record. Names are decoded from bytes lossily (invalid UTF-8 becomes U+FFFD).
public struct KafkaHeader: Hashable, Sendable {
    /// The header name.
    public var name: String
    /// The header value; `nil` when the producer sent a null value (distinct from an empty one).
    public var value: [UInt8]?

    /// Creates a header.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }
}

/// One record consumed from Kafka.
///
/// The key, value and header values are copied exactly once, from librdkafka's buffer into these arrays, while the
/// librdkafka message is still alive; nothing here points into C memory.
public struct KafkaRecord: Hashable, Sendable {
    /// The topic the record was read from.
    public var topic: String
    /// The partition the record was read from.
    public var partition: Int32
    /// The record's offset in its partition. The offset to commit after processing it is `offset + 1`.
    public var offset: Int64
    /// The key bytes, or `nil` when the record has no key.
    public var key: [UInt8]?
    /// The value bytes, or `nil` for a tombstone (null value).
    public var value: [UInt8]?
    /// The headers, in the order the producer wrote them.
    public var headers: [KafkaHeader]
    /// The record timestamp in milliseconds since the Unix epoch, when the broker provided one.
    public var timestamp: Int64?

    /// Creates a record (the consumer builds these; public for tests and for callers that fabricate records).
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The record's topic and partition.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// A record with no topic, key, value or headers, which holds no heap storage: a cheap placeholder for a caller
    /// that moves records out of an array.
    public static let empty = KafkaRecord(topic: "", partition: -1, offset: -1, key: nil, value: nil)
}
