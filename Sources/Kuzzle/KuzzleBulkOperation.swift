/// The bulk route a batch is written through.
public enum KuzzleBulkRoute: Sendable, Hashable, CustomStringConvertible {
    /// `POST /{index}/{collection}/_mWrite`: create-or-replace without Kuzzle metadata. Only ``KuzzleBulkAction/index``.
    case mWrite
    /// `POST /{index}/{collection}/_bulk`: Elasticsearch bulk actions (index, create, update, delete).
    case importBulk

    /// The route's last path segment.
    var pathSuffix: String {
        switch self {
        case .mWrite: "_mWrite"
        case .importBulk: "_bulk"
        }
    }

    /// Kuzzle's action name (`bulk:mWrite` or `bulk:import`).
    public var description: String {
        switch self {
        case .mWrite: "bulk:mWrite"
        case .importBulk: "bulk:import"
        }
    }
}

/// What one bulk operation does to its document.
public enum KuzzleBulkAction: String, Sendable, Hashable, CaseIterable {
    /// Create or replace the document (the only action of bulk:mWrite).
    case index
    /// Create the document; an existing id fails with 409 (reported as already done).
    case create
    /// Merge a partial document into an existing one; the body is sent as `{"doc":<body>}`.
    case update
    /// Delete the document; no body. A missing id fails with 404 (reported as already done).
    case delete

    /// Whether the action carries a body line.
    public var hasBody: Bool { self != .delete }
}

/// One document operation of a bulk request.
///
/// The body is raw JSON object bytes (typically a slice of a Kafka record's value). They are spliced into the
/// request body as they are: never decoded, never re-encoded. Only ``id`` is JSON-escaped.
public struct KuzzleBulkOperation: Sendable, Hashable {
    /// The document `_id`. Must be non-empty and at most 512 UTF-8 bytes (Elasticsearch refuses the whole bulk
    /// otherwise); the client reports a violating operation as a permanent failure without sending it.
    public var id: String
    /// What the operation does.
    public var action: KuzzleBulkAction
    /// The document (index, create) or partial document (update) as JSON object bytes; `nil` for delete.
    public var body: ArraySlice<UInt8>?
    /// bulk:import update only: how many times Elasticsearch retries the update internally when another write changed
    /// the document between its get and its index (`retry_on_conflict`, sent when above 0, at most
    /// ``maximumRetryOnConflict``). Ignored for other actions and by bulk:mWrite.
    public var retryOnConflict: Int

    /// Creates an operation.
    public init(id: String, action: KuzzleBulkAction, body: ArraySlice<UInt8>?, retryOnConflict: Int = 0) {
        self.id = id
        self.action = action
        self.body = body
        self.retryOnConflict = action == .update ? min(max(0, retryOnConflict), Self.maximumRetryOnConflict) : 0
    }

    /// The largest ``retryOnConflict`` sent (three digits: request sizes reserve room for it).
    public static let maximumRetryOnConflict = 999
}

/// Per-request options of a bulk write.
public struct KuzzleWriteOptions: Sendable, Hashable {
    /// Overrides ``KuzzleClientConfiguration/refresh`` for this request when set. Default: `nil`.
    public var refresh: KuzzleClientConfiguration.Refresh?
    /// bulk:mWrite only: ask Kuzzle to send realtime notifications (`&notify`). Default: `false`.
    public var notify: Bool

    /// Creates options.
    public init(refresh: KuzzleClientConfiguration.Refresh? = nil, notify: Bool = false) {
        self.refresh = refresh
        self.notify = notify
    }
}
