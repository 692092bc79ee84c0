import BridgeCore
import Logging

extension BridgePipeline {
    /// Feeds one Kuzzle request's outcome to the adaptive limit and applies its change to the scheduler: a raised
    /// limit sends queued batches at once; a lowered one cancels nothing (batches in flight above it finish and are
    /// not replaced).
    ///
    /// Logged once per change, never per request: a decrease caused by overload at notice level (the operator may
    /// want to give Kuzzle more room, or lower `writer.max_concurrency`), the ordinary probing (increases, and
    /// decreases on rising round trips) at debug. The stats line and the metrics carry the current limit.
    func observe(
        _ observation: AdaptiveConcurrency.Observation,
        now: ContinuousClock.Instant,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) {
        guard let adjustment = adaptiveLimit?.observe(observation, inFlight: scheduler.inFlightCount, now: now)
        else { return }
        let metadata: Logger.Metadata = [
            LogKeys.concurrencyLimit: "\(adjustment.limit)", LogKeys.concurrencyPrevious: "\(adjustment.previous)",
            LogKeys.concurrencyReason: "\(adjustment.reason.rawValue)",
            "in_flight.batches": "\(scheduler.inFlightCount)", "queued.batches": "\(scheduler.queuedCount)",
        ]
        switch adjustment.reason {
        case .overload:
            logger.notice(
                "Writer concurrency lowered: Kuzzle signalled overload (429, 503 or a timeout)",
                metadata: metadata
            )
        case .risingLatency:
            logger.debug("Writer concurrency lowered: Kuzzle answers slower than its baseline", metadata: metadata)
        case .steadyLatency:
            logger.debug("Writer concurrency raised: Kuzzle answers as fast as its baseline", metadata: metadata)
        }
        launch(scheduler.setConcurrencyLimit(adjustment.limit), group: &group)
    }
}
