import Logging
import Synchronization
import UnixSignals

/// Turns SIGTERM/SIGINT into stop requests: the first asks for a graceful stop, the second for an immediate one.
///
/// Signals can arrive before the pipeline exists (while the daemon waits for Kuzzle): they are remembered and handed
/// to the pipeline when it is attached.
final class StopController: Sendable {
    private struct State {
        var signals = 0
        var pipeline: BridgePipeline?
    }

    private let state = Mutex(State())

    /// Whether a stop was requested.
    var isStopRequested: Bool { state.withLock { $0.signals > 0 } }

    /// Hands future (and past) stop requests to `pipeline`.
    func attach(_ pipeline: BridgePipeline) {
        let signals = state.withLock { state -> Int in
            state.pipeline = pipeline
            return state.signals
        }
        if signals > 0 { pipeline.requestStop(signals == 1 ? .graceful : .immediate) }
    }

    /// Records one stop request.
    func requestStop() {
        let (count, pipeline) = state.withLock { state -> (Int, BridgePipeline?) in
            state.signals += 1
            return (state.signals, state.pipeline)
        }
        pipeline?.requestStop(count == 1 ? .graceful : .immediate)
    }

    /// Forwards `signals` as stop requests until cancelled.
    func forward(_ signals: UnixSignalsSequence, logger: Logger) async {
        for await signal in signals {
            logger.notice("Signal received", metadata: ["signal": "\(signal)"])
            requestStop()
        }
    }
}
