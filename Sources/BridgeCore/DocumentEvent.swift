/// Where an event came from: its Kafka coordinates and the assignment it was received under.
public struct EventSource: Hashable, Sendable, CustomStringConvertible {
    /// The topic the event was read from.
    public var topic: String
    /// The partition the event was read from.
    public var partition: Int32
    /// The event's offset within its partition.
    public var offset: Int64
    /// The assignment the event was received under; completions are reported with it.
    public var epoch: AssignmentEpoch

    /// Creates an event source.
    public init(topic: String, partition: Int32, offset: Int64, epoch: AssignmentEpoch = .none) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.epoch = epoch
    }

    /// The event's topic-partition.
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// `topic/partition@offset`, for log lines and error messages.
    public var description: String { "\(topic)/\(partition)@\(offset)" }
}

/// A Kuzzle index and collection: where a document lives, and the key batches are grouped by.
public struct DocumentTarget: Hashable, Sendable, CustomStringConvertible {
    /// The Kuzzle index.
    public var index: String
    /// The Kuzzle collection within the index.
    public var collection: String

    /// Creates a target. The names are not validated here (``EventRouter`` validates them with ``KuzzleNames``).
    public init(index: String, collection: String) {
        self.index = index
        self.collection = collection
    }

    /// `index/collection`, for log lines.
    public var description: String { "\(index)/\(collection)" }
}

/// What an event does to its document.
public enum DocumentAction: String, Sendable, Hashable, CaseIterable {
    /// Create the document or replace it entirely (bulk:mWrite, or an import `index` line).
    case write
    /// Create the document; fails with 409 when it exists (an import `create` line).
    case create
    /// Merge the body into the existing document; fails with 404 when it is missing (an import `update` line).
    case update
    /// Delete the document (an import `delete` line); has no body.
    case delete
}

/// One document operation decoded from one Kafka record.
///
/// The body is a slice of the record's value: the bytes of the JSON object exactly as they arrived, validated but
/// never decoded or re-encoded.
public struct DocumentEvent: Sendable, Equatable {
    /// The record the event was decoded from.
    public var source: EventSource
    /// The index and collection of the document.
    public var target: DocumentTarget
    /// The document's `_id`: 1 to 512 bytes of UTF-8.
    public var id: String
    /// What the event does to the document.
    public var action: DocumentAction
    /// The JSON object to write (`write`/`create`) or merge (`update`); `nil` for `delete`.
    public var body: ArraySlice<UInt8>?
    /// The Kafka record the event came from, kept (by reference: its arrays are shared with ``body``, not copied) so
    /// that a document Kuzzle refuses can be dead-lettered with its original key, value and headers.
    public var record: SourceRecord?

    // No explicit initializer: the synthesized memberwise one (internal: events are made by ``EventRouter``) lets
    // the optimizer build an event in place, where an explicit `init` made it copy and destroy every new event
    // (ten retains and releases per record).

    /// The document's index.
    public var index: String { target.index }
    /// The document's collection.
    public var collection: String { target.collection }
}
