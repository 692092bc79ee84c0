import Synchronization

/// Fault injection on a running stand-in (control surface only: real Kuzzle produces none of these by itself,
/// although each injected error is one Kuzzle can send). Thread-safe.
public struct StandInFaultControl: Sendable {
    let state: StandInState

    /// The next `count` routed API requests (health probes excluded) fail with `error`, enveloped, before auth.
    public func failNextRequests(_ count: Int, with error: KuzzleErrorReply) {
        state.faults.withLock { $0.pendingFailures.append(contentsOf: repeatElement(error, count: max(0, count))) }
    }

    /// Delays every API request by `latency` before it runs; `nil` removes the delay.
    public func setLatency(_ latency: Duration?) {
        state.faults.withLock { $0.latency = latency }
    }

    /// The next `count` document-writing requests lose their connection, before or after the write, unanswered.
    public func dropConnections(_ timing: StandInConnectionDrop, count: Int = 1) {
        state.faults.withLock { $0.pendingDrops.append(contentsOf: repeatElement(timing, count: max(0, count))) }
    }

    /// Documents matching `rejection` get a per-document 400 (mapping-error-like) in mWrite and import.
    public func rejectDocuments(_ rejection: StandInDocumentRejection) {
        state.faults.withLock { $0.rejections.append(rejection) }
    }

    /// The next bulk:import `update` operations run into `count` concurrent writes, one per internal attempt, as
    /// Elasticsearch sees them between its get and its index: an update sent with `retry_on_conflict` n absorbs up to
    /// n of them and applies; one that meets more fails with 409 `version_conflict_engine_exception`, not applied.
    public func conflictUpdates(_ count: Int) {
        state.faults.withLock { $0.pendingUpdateConflicts += max(0, count) }
    }

    /// While `true`, every API request fails with 503 `api.process.overloaded` and `/_ready` answers 503.
    public func setOverloaded(_ overloaded: Bool) {
        state.faults.withLock { $0.overloaded = overloaded }
    }

    /// While set, a document-writing request (bulk or document write) that arrives when `limit` of them are still
    /// unanswered (delayed by ``setLatency(_:)``, held by ``setHanging(_:)`` or running) is refused with `error`, before
    /// auth and at once (neither delayed nor held), as a Kuzzle whose request buffer is full (503
    /// ``KuzzleErrorReply/overloaded``) or a rate-limited user (429, the default) would be. Only requests admitted
    /// while a cap is set count. `nil` removes the cap.
    public func limitConcurrentWrites(_ limit: Int?, with error: KuzzleErrorReply = .tooManyRequests) {
        state.faults.withLock { plan in
            plan.concurrentWriteCap = limit.map { (max(0, $0), error) }
        }
    }

    /// While `true`, requests are held unanswered; clearing it runs the held requests.
    public func setHanging(_ hanging: Bool) {
        let held: [@Sendable () -> Void] = state.faults.withLock { plan in
            plan.hanging = hanging
            guard !hanging else { return [] }
            defer { plan.heldRequests = [] }
            return plan.heldRequests
        }
        held.forEach { $0() }
    }

    /// Removes every fault (held requests are released).
    public func clear() {
        let held: [@Sendable () -> Void] = state.faults.withLock { plan in
            let held = plan.heldRequests
            plan = FaultPlan()
            return held
        }
        held.forEach { $0() }
    }
}
