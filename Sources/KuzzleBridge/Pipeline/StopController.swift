import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Hands stop requests to the pipeline: the graceful stop (the service group's graceful shutdown, on the first
/// SIGTERM/SIGINT), and the immediate one (a second signal, or the group cancelling the bridge).
///
/// A request that arrives before the pipeline exists (while the daemon waits for Kuzzle) is remembered and handed over
/// when the pipeline is attached. Requests only ever escalate: graceful, then immediate.
final class StopController: Sendable {
    private struct State {
        var requested: BridgePipeline.StopMode?
        var pipeline: BridgePipeline?
    }

    private let state = Mutex(State())

    /// The strongest stop asked for so far, or `nil`.
    var requested: BridgePipeline.StopMode? { state.withLock { $0.requested } }

    /// Hands past and future stop requests to `pipeline`.
    func attach(_ pipeline: BridgePipeline) {
        let requested = state.withLock { state -> BridgePipeline.StopMode? in
            state.pipeline = pipeline
            return state.requested
        }
        if let requested { pipeline.requestStop(requested) }
    }

    /// Asks for a stop; forwarded to the pipeline when it is stronger than what was asked for before.
    func request(_ mode: BridgePipeline.StopMode) {
        let pipeline = state.withLock { state -> BridgePipeline?? in
            switch (state.requested, mode) {
            case (nil, _), (.graceful, .immediate):
                state.requested = mode
                return .some(state.pipeline)
            default:
                return .none
            }
        }
        if case .some(let pipeline) = pipeline { pipeline?.requestStop(mode) }
    }
}

/// Counts SIGTERM/SIGINT from the daemon's very start: the first is the group's graceful shutdown, the second the
/// immediate stop.
///
/// The group also listens for the first signal (`gracefulShutdownSignals`), but only once its `run()` registered its
/// handlers, and never for a second one. This service's signal sequence is created before anything else (before the
/// start-up line), so an early signal is neither missed nor fatal (without a handler, SIGTERM's default action kills
/// the process): it triggers the group's graceful shutdown itself (triggering it twice is harmless). It is the group's
/// first service, shut down last: it listens for the whole drain.
struct SignalService: Service {
    let signals: UnixSignalsSequence
    let stopController: StopController
    let group: ServiceGroupReference
    let logger: Logger

    func run() async {
        var count = 0
        for await signal in signals.cancelOnGracefulShutdown() {
            count += 1
            logger.notice("Signal received", metadata: ["signal": "\(signal)"])
            if count == 1 {
                await group.triggerGracefulShutdown()
            } else {
                stopController.request(.immediate)
            }
        }
    }
}

/// The service group, set once it exists (its services are made before it).
final class ServiceGroupReference: Sendable {
    private let group = Mutex<ServiceGroup?>(nil)

    /// Sets the group.
    func set(_ group: ServiceGroup) {
        self.group.withLock { $0 = group }
    }

    /// Triggers the group's graceful shutdown (a request made before ``set(_:)`` is dropped: the group is made before
    /// its services run).
    func triggerGracefulShutdown() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }
}
