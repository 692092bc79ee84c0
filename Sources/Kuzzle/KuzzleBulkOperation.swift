/// The bulk route a batch is written through.
public enum KuzzleBulkRoute: Sendable, Hashable, CustomStringConvertible {
    /// `POST /{index}/{collection}/_mWrite`: create-or-replace without Kuzzle metadata. Only ``KuzzleBulkAction/index``.
    case mWrite
    /// `POST /{index}/{collection}/_bulk`: Elasticsearch bulk actions (index, create, update, delete).
    case importBulk
    /// `PUT /{index}/{collection}/_mCreateOrReplace`: create-or-replace with Kuzzle metadata and notifications;
    /// only ``KuzzleBulkAction/index``; at most `limits.documentsWriteCount` documents.
    case mCreateOrReplace
    /// `POST /{index}/{collection}/_mCreate`: only ``KuzzleBulkAction/create``; an existing id is a per-item 400
    /// "document already exists".
    case mCreate
    /// `PATCH /{index}/{collection}/_mUpdate`: only ``KuzzleBulkAction/update``; a missing id is a per-item 404.
    case mUpdate
    /// `DELETE /{index}/{collection}/_mDelete`: only ``KuzzleBulkAction/delete``; a missing id is a per-item 404.
    case mDelete

    /// The document controller route that carries `action`.
    public static func documentController(for action: KuzzleBulkAction) -> KuzzleBulkRoute {
        switch action {
        case .index: .mCreateOrReplace
        case .create: .mCreate
        case .update: .mUpdate
        case .delete: .mDelete
        }
    }

    /// Whether the route is one of the document controller's (``mCreateOrReplace``, ``mCreate``, ``mUpdate``,
    /// ``mDelete``): one action per request, Kuzzle metadata, notifications, a count limit.
    public var isDocumentController: Bool {
        switch self {
        case .mWrite, .importBulk: false
        case .mCreateOrReplace, .mCreate, .mUpdate, .mDelete: true
        }
    }

    /// The one action a document controller route carries (`nil` for the bulk routes).
    public var documentAction: KuzzleBulkAction? {
        switch self {
        case .mWrite, .importBulk: nil
        case .mCreateOrReplace: .index
        case .mCreate: .create
        case .mUpdate: .update
        case .mDelete: .delete
        }
    }

    /// The route's last path segment.
    var pathSuffix: String {
        switch self {
        case .mWrite: "_mWrite"
        case .importBulk: "_bulk"
        case .mCreateOrReplace: "_mCreateOrReplace"
        case .mCreate: "_mCreate"
        case .mUpdate: "_mUpdate"
        case .mDelete: "_mDelete"
        }
    }

    /// The HTTP method of the route.
    var method: String {
        switch self {
        case .mWrite, .importBulk, .mCreate: "POST"
        case .mCreateOrReplace: "PUT"
        case .mUpdate: "PATCH"
        case .mDelete: "DELETE"
        }
    }

    /// Kuzzle's action name (`bulk:mWrite`, `bulk:import`, `document:mCreateOrReplace`…).
    public var description: String {
        switch self {
        case .mWrite: "bulk:mWrite"
        case .importBulk: "bulk:import"
        case .mCreateOrReplace: "document:mCreateOrReplace"
        case .mCreate: "document:mCreate"
        case .mUpdate: "document:mUpdate"
        case .mDelete: "document:mDelete"
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
    /// bulk:mWrite only: ask Kuzzle to send realtime notifications (`&notify`). The request then runs without
    /// `strict` (realtime.md §1: a strict request with one failed item notifies nothing) and its 200 answer is read
    /// item by item, each document written only when Kuzzle lists it among the successes. Default: `false`.
    public var notify: Bool
    /// The `X-Kuzzle-Volatile` header: a JSON object Kuzzle echoes in the answer and in every notification of the
    /// request (one line, no secret). Default: `nil`, no header.
    public var volatile: String?
    /// Test only: `strict` even on a notifying request, to show that one failed item then silences them all.
    @_spi(Testing) public var testForcesStrict = false

    /// Creates options.
    public init(refresh: KuzzleClientConfiguration.Refresh? = nil, notify: Bool = false, volatile: String? = nil) {
        self.refresh = refresh
        self.notify = notify
        self.volatile = volatile
    }
}
