import BridgeCore

/// How batches are written to Kuzzle.
public struct WriterSettings: Sendable, Equatable {
    /// The Kuzzle route used for a batch.
    public enum Route: String, Sendable, Equatable, CaseIterable {
        /// `bulk:mWrite`: create-or-replace, per-document results, no Kuzzle metadata, cannot delete.
        case mWrite
        /// `bulk:import`: Elasticsearch bulk actions (index, create, update, delete), adds `_kuzzle_info`.
        case `import`
        /// `bulk:mWrite` for batches that only create or replace, `bulk:import` when a batch holds other actions.
        case auto
        /// The document controller: writes through `document:mCreateOrReplace`, creates `document:mCreate`, updates
        /// `document:mUpdate`, deletes `document:mDelete`. Every change stamps `_kuzzle_info` and is notified; requests
        /// hold at most Kuzzle's `limits.documentsWriteCount` documents. The costliest route (realtime.md §3).
        case document
    }

    /// How many bulk requests may be in flight at once (`writer.concurrency`). An integer literal means ``fixed(_:)``.
    public enum Concurrency: Sendable, Equatable, ExpressibleByIntegerLiteral, CustomStringConvertible {
        /// Exactly this many, 1 to 256.
        case fixed(Int)
        /// A limit that follows Kuzzle's answers (``AdaptiveConcurrency``), from 1 to
        /// ``WriterSettings/maximumConcurrency``, starting at 4.
        case adaptive

        /// `.fixed(value)`.
        public init(integerLiteral value: Int) {
            self = .fixed(value)
        }

        /// The value as the configuration file writes it: the number, or `adaptive`.
        public var description: String {
            switch self {
            case .fixed(let count): return "\(count)"
            case .adaptive: return "adaptive"
            }
        }
    }

    /// The route (`writer.route`). Default: ``Route/auto``.
    public var route: Route
    /// The most bulk requests in flight at once, over all collections (`writer.concurrency`). Default: ``Concurrency/adaptive``.
    public var concurrency: Concurrency
    /// The highest limit an adaptive ``concurrency`` may reach (`writer.max_concurrency`), 1 to 256; unused with a
    /// fixed one. Default: 8.
    public var maximumConcurrency: Int
    /// How many times Elasticsearch retries a bulk:import `update` internally when another write changed the document
    /// between its get and its index (`writer.retry_on_conflict`, sent as the update line's `retry_on_conflict`), 0 to
    /// ``maximumRetryOnConflict``. An update still refused with 409 after that is retried by the bridge. Default: 3.
    public var retryOnConflict: Int

    /// Where fenced events take their external version from (`writer.fence`: `none`, `offset` or `header:<name>`),
    /// fence.md §2. A fence sends every collection through bulk:import, writes as `index` and deletes as `delete`
    /// lines carrying `"version":N,"version_type":"external"`; a 409 on such a line is done and counted
    /// (`fenced_stale`). Default: ``ExternalVersionFence/disabled`` (`none`).
    public var fence: ExternalVersionFence = .disabled
    /// The `index.gc_deletes` sent when the bridge creates a missing collection while ``fence`` is on
    /// (`writer.fence_gc_deletes`): how long Elasticsearch remembers a versioned delete (after that, an older write
    /// of the same id is accepted again). Default: 60 s, Elasticsearch's own default.
    public var fenceGCDeletes: Duration = .seconds(60)

    /// Whether bulk:mWrite requests ask Kuzzle for realtime notifications (`writer.notify`, with `writer.route`
    /// `mWrite` or `auto`). They then run without `strict` (realtime.md §1: one refused document would silence its
    /// whole request) and each document counts written only when Kuzzle lists it written. Under `auto`, writes are
    /// batched apart from creates, updates and deletes, which go through bulk:import and are **not** notified; the
    /// document route notifies every action. Default: `false`.
    public var notify = false
    /// The most documents per document controller request (`writer.documents_write_count`), lowering what Kuzzle
    /// announces in `/_capabilities`; `nil`: Kuzzle's (200 when it announces none). Only `writer.route: document`.
    public var documentsWriteCount: Int?

    /// Kuzzle's default `limits.documentsWriteCount`, assumed when Kuzzle announces none.
    public static let defaultDocumentsWriteCount = 200

    /// The default ``retryOnConflict``.
    public static let defaultRetryOnConflict = 3
    /// The largest ``retryOnConflict`` accepted.
    public static let maximumRetryOnConflict = 100

    /// Creates writer settings.
    public init(
        route: Route = .auto,
        concurrency: Concurrency = .adaptive,
        maximumConcurrency: Int = 8,
        retryOnConflict: Int = WriterSettings.defaultRetryOnConflict
    ) {
        self.route = route
        self.concurrency = concurrency
        self.maximumConcurrency = maximumConcurrency
        self.retryOnConflict = retryOnConflict
    }

    /// The `settings` object sent with collection:create for a fenced collection (`{"index":{"gc_deletes":"60s"}}`),
    /// or `nil` without a fence.
    public var fencedCollectionSettings: String? {
        guard fence.isEnabled else { return nil }
        let milliseconds = fenceGCDeletes / .milliseconds(1)
        let value =
            milliseconds.truncatingRemainder(dividingBy: 1000) == 0
            ? "\(Int64(milliseconds / 1000))s" : "\(Int64(milliseconds.rounded()))ms"
        return "{\"index\":{\"gc_deletes\":\"\(value)\"}}"
    }

    /// The adaptive limit's parameters: from 1 to ``maximumConcurrency``, starting at 4 (a load any Kuzzle that suits
    /// the default batch sizes takes; growing from there costs a few windows, while starting at the maximum could
    /// overload Kuzzle at every start), the algorithm's other constants at their defaults.
    public var adaptiveParameters: AdaptiveConcurrency.Parameters {
        AdaptiveConcurrency.Parameters(minimum: 1, maximum: maximumConcurrency, initial: 4)
    }
}
