/// One document as the stand-in holds it: the body bytes exactly as written, and its version.
public struct StoredDocument: Sendable, Hashable {
    /// The document body (`_source`), raw JSON bytes as received (plus `_kuzzle_info` for bulk:import).
    public var body: [UInt8]
    /// Elasticsearch's `_version`: 1 on creation, +1 on each write (or the external version given).
    public var version: Int

    /// Creates a stored document.
    public init(body: [UInt8], version: Int) {
        self.body = body
        self.version = version
    }

    /// The body as a UTF-8 string, for assertions and logs.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Request and document counts, per Kuzzle action (`"bulk:mWrite"`, `"bulk:import"`, …).
public struct StandInCounters: Sendable, Hashable {
    /// Routed requests per action, counted on arrival (faulted ones included).
    public var requests: [String: Int] = [:]
    /// Documents received per action (mWrite documents, import action lines), counted when the body is read.
    public var documentsReceived: [String: Int] = [:]
    /// Documents actually written (created, replaced, updated or deleted) by any action.
    public var documentsWritten: Int = 0
    /// Epoch milliseconds of the first and the last request that wrote documents (for throughput measurements).
    public var firstWriteAt: Int64?
    /// See ``firstWriteAt``.
    public var lastWriteAt: Int64?
    /// bulk:import lines with an external version refused with 409 `version_conflict_engine_exception` (a newer or
    /// equal version, or a live tombstone, was stored).
    public var versionConflicts: Int = 0

    /// Creates empty counters.
    public init() {}
}
