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

/// Turns a second SIGTERM/SIGINT into the immediate stop.
///
/// The service group turns the first signal into its graceful shutdown (``BridgeService`` asks the pipeline for the
/// graceful stop); the group listens for it once only, so this service counts the signals itself. It is the group's
/// first service, shut down last: it listens for the whole drain.
struct SecondSignalService: Service {
    let stopController: StopController
    let logger: Logger

    func run() async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        var count = 0
        for await signal in signals.cancelOnGracefulShutdown() {
            count += 1
            logger.notice("Signal received", metadata: ["signal": "\(signal)"])
            if count >= 2 { stopController.request(.immediate) }
        }
    }
}
