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
    }

    /// The route (`writer.route`). Default: ``Route/auto``.
    public var route: Route
    /// The most bulk requests in flight at once, over all collections (`writer.concurrency`). Default: 4.
    public var concurrency: Int

    /// Creates writer settings.
    public init(route: Route = .auto, concurrency: Int = 4) {
        self.route = route
        self.concurrency = concurrency
    }
}
