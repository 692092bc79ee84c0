import BridgeCore
import Synchronization

/// The send-time lease as the pipeline publishes it and every writer reads it, right before each request.
final class SharedSendLease: Sendable {
    private let current: Mutex<SendLease>

    /// Creates a shared lease.
    init(_ lease: SendLease) {
        current = Mutex(lease)
    }

    /// Replaces the lease (the pipeline, after ownership or suspicion changed).
    func publish(_ lease: SendLease) {
        current.withLock { $0 = lease }
    }

    /// Whether a request for `batch` may be sent now (see ``SendLease/permits(_:now:lastPoll:pollGapSeen:)``).
    func permits(
        _ batch: DocumentBatch,
        lastPoll: ContinuousClock.Instant,
        pollGapSeen: ContinuousClock.Instant?
    ) -> Bool {
        let now = ContinuousClock.now
        return current.withLock { $0.permits(batch, now: now, lastPoll: lastPoll, pollGapSeen: pollGapSeen) }
    }
}
