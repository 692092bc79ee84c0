import NIOHTTP1
import Synchronization

/// One API request as the stand-in received it, for tests that must tell writers apart (``StandInServer/recordRequests()``).
public struct StandInRecordedRequest: Sendable, Hashable {
    /// The Kuzzle action (`bulk:import`, `bulk:mWrite`, …).
    public var action: String
    /// The request's `User-Agent` header ("" without one).
    public var userAgent: String
    /// When the request was received (its whole body read), before any injected latency.
    public var receivedAt: ContinuousClock.Instant
}

extension StandInState {
    /// Records `request` when a test asked for the log (``StandInServer/recordRequests()``).
    func recordRequest(_ request: StandInRequest, action: KuzzleAction) {
        let now = ContinuousClock.now
        requestLog.withLock { log in
            guard log != nil else { return }
            log?.append(
                StandInRecordedRequest(
                    action: action.rawValue,
                    userAgent: request.headers.first(name: "User-Agent") ?? "",
                    receivedAt: now
                )
            )
        }
    }
}

extension StandInServer {
    /// Starts recording (or restarts with an empty record) every API request: its action, `User-Agent` and arrival.
    public func recordRequests() {
        state.requestLog.withLock { $0 = [] }
    }

    /// The requests received since ``recordRequests()``, in arrival order (empty when not recording).
    public var recordedRequests: [StandInRecordedRequest] {
        state.requestLog.withLock { $0 ?? [] }
    }
}
