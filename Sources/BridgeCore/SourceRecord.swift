/// A Kafka record as the core sees it: plain values copied from the Kafka layer's record, nothing borrowed.
///
/// The Kafka layer's `KafkaRecord` maps one to one onto this type (its `[UInt8]` payloads are shared, not copied).
public struct SourceRecord: Sendable, Equatable {
    /// One Kafka header: a name and an optional value (Kafka allows a null header value).
    public struct Header: Sendable, Equatable {
        /// The header's name.
        public var name: String
        /// The header's value, or `nil` for a null header.
        public var value: [UInt8]?

        /// Creates a header.
        public init(name: String, value: [UInt8]?) {
            self.name = name
            self.value = value
        }

        /// Creates a header whose value is the UTF-8 encoding of `text`.
        public init(name: String, text: String) {
            self.init(name: name, value: Array(text.utf8))
        }
    }

    /// The topic the record was read from.
    public var topic: String
    /// The partition the record was read from.
    public var partition: Int32
    /// The record's offset within its partition.
    public var offset: Int64
    /// The record's key, or `nil` when it has none.
    public var key: [UInt8]?
    /// The record's value, or `nil` for a tombstone.
    public var value: [UInt8]?
    /// The record's headers, in the order Kafka gave them.
    public var headers: [Header]
    /// The assignment the record was received under (from ``OffsetTracker/received(_:offset:bytes:)``).
    public var epoch: AssignmentEpoch

    /// Creates a record.
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [Header] = [],
        epoch: AssignmentEpoch = .none
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.epoch = epoch
    }

    /// Where the record came from.
    public var source: EventSource {
        EventSource(topic: topic, partition: partition, offset: offset, epoch: epoch)
    }
}
