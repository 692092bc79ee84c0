import BridgeCore
import Kuzzle

extension BatchWriter {
    /// The policy's view of a batch's route: the document controller routes are one (``WriteRoute/document``).
    static func policyRoute(_ route: KuzzleBulkRoute) -> WriteRoute {
        switch route {
        case .mWrite: .mWrite
        case .importBulk: .importBulk
        case .mCreateOrReplace, .mCreate, .mUpdate, .mDelete: .document
        }
    }

    /// The route of one request: the batch's, or through the document controller the route of the action the
    /// request's documents share (the plan sends one action per request on that route).
    func requestRoute(
        _ batchRoute: KuzzleBulkRoute,
        sending positions: [Int],
        of plan: BatchWritePlan
    )
        -> KuzzleBulkRoute
    {
        guard batchRoute.isDocumentController, let first = positions.first else { return batchRoute }
        return .documentController(for: Self.bulkAction(for: plan.event(at: first).action))
    }

    /// The options of one request: `notify` for bulk:mWrite when configured, and the `X-Kuzzle-Volatile` naming the
    /// instance and the Kafka events the request carries.
    func requestOptions(
        _ route: KuzzleBulkRoute,
        sending positions: [Int],
        of plan: BatchWritePlan
    )
        -> KuzzleWriteOptions
    {
        var options = self.options
        options.notify = notify && route == .mWrite
        guard let instance else { return options }
        if positions.count == plan.batch.documentCount && !plan.hasFallbacks {
            // The whole batch (the usual case): its sources, the versions it coalesced included, read in place.
            options.volatile = RequestVolatile.json(instance: instance, sources: plan.batch.sources)
        } else if plan.hasFallbacks {
            options.volatile = RequestVolatile.json(
                instance: instance,
                sources: positions.lazy.map { plan.event(at: $0).source }
            )
        } else {
            options.volatile = plan.batch.operations.withUnsafeBufferPointer { events in
                RequestVolatile.json(instance: instance, sources: positions.lazy.map { events[$0].source })
            }
        }
        return options
    }
}
