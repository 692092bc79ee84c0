import JSONScan

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

    /// The Elasticsearch bulk action the event is sent as (bulk:import's action line).
    public var bulkAction: BulkActionName {
        switch self {
        case .write: .index
        case .create: .create
        case .update: .update
        case .delete: .delete
        }
    }

    /// Whether bulk:mWrite can carry the event (``BulkActionName/isMWriteEligible``: a create-or-replace).
    public var isMWriteEligible: Bool { bulkAction.isMWriteEligible }
}

/// What the routing scan found in a document body that Kuzzle's bulk:import would mishandle (kuzzle-api.md §4.2).
///
/// bulk:import runs two passes over every line before Elasticsearch sees the bulk: `_setLastActionToKuzzleMeta`
/// takes any line whose first key is `index`, `create`, `update` or `delete` for an action line, and `_scriptCheck`
/// refuses the whole request for any `script`/`_script` key whose value has keys other than `id` and `params`.
/// bulk:mWrite does neither. An update's partial document is sent wrapped (`{"doc":…}`), so only write and create
/// bodies can be taken for an action line; every body is searched for script keys.
public enum ImportHazard: String, Sendable, Equatable, CaseIterable {
    /// Nothing: the body is safe on both routes.
    case none
    /// The body's first key was an action name; the router moved the leading members with such names to the end of
    /// the body (only that document's bytes rewritten), so it is now safe on both routes. Kept for diagnostics.
    case firstKeyIsActionName = "first-key-is-action-name"
    /// Every top-level key of the body is an action name, or one of the leading ones appears again: no reordering
    /// keeps the document intact, so bulk:import cannot carry it (only bulk:mWrite can, for a write).
    case onlyActionNameKeys = "only-action-name-keys"
    /// The body has a `script` or `_script` key that bulk:import refuses the whole request for (400, or 500 for
    /// `null`); only bulk:mWrite can carry it, for a write.
    case scriptKey = "script-key"

    /// Whether the event must not go through bulk:import.
    public var excludesImport: Bool { self == .onlyActionNameKeys || self == .scriptKey }
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
    /// What the routing scan found in the body that Kuzzle's bulk:import would mishandle (``ImportHazard``).
    public var importHazard: ImportHazard = .none
    /// The external version the event is written with when its topic is fenced (`writer.fence`, fence.md §2): the
    /// Kafka offset or a header's value, 0 to 2^53 − 1; `nil` when unfenced. Only `write` and `delete` carry one.
    public var externalVersion: Int64? = nil

    // No explicit initializer: the synthesized memberwise one (internal: events are made by ``EventRouter``) lets
    // the optimizer build an event in place, where an explicit `init` made it copy and destroy every new event
    // (ten retains and releases per record).

    /// The document's index.
    public var index: String { target.index }
    /// The document's collection.
    public var collection: String { target.collection }
}
