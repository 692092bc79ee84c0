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
    /// bulk:import `index` and `delete` only: the external version the line carries (`"version":N,
    /// "version_type":"external"`, fence.md §2), 0 to ``maximumExternalVersion``; `nil` for none. Elasticsearch then
    /// applies the line only above the stored version and answers 409 `version_conflict_engine_exception` otherwise.
    /// Ignored for other actions and by bulk:mWrite (which cannot carry versions: a fenced batch goes through import).
    public var externalVersion: Int64?

    /// Creates an operation.
    public init(
        id: String,
        action: KuzzleBulkAction,
        body: ArraySlice<UInt8>?,
        retryOnConflict: Int = 0,
        externalVersion: Int64? = nil
    ) {
        self.id = id
        self.action = action
        self.body = body
        self.retryOnConflict = action == .update ? min(max(0, retryOnConflict), Self.maximumRetryOnConflict) : 0
        self.externalVersion =
            action == .index || action == .delete
            ? externalVersion.map { min(max(0, $0), Self.maximumExternalVersion) } : nil
    }

    /// The largest external version sent, 2^53 − 1 (versions go through JavaScript doubles inside Kuzzle; sixteen
    /// digits: request sizes reserve room for them).
    public static let maximumExternalVersion: Int64 = (1 << 53) - 1

    /// Whether the line carries an external version (a 409 on it means "a newer version is stored").
    public var isFenced: Bool { externalVersion != nil }

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
