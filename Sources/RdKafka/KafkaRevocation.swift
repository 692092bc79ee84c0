import Synchronization

/// The handshake between the consumer's rebalance callback and the layer above when partitions are revoked.
///
/// The consumer emits ``KafkaConsumerEvent/partitionsRevoked(_:_:)`` with one of these and blocks its poll thread
/// (bounded by ``KafkaConsumerConfiguration/revocationTimeout``) until ``finish(committing:)`` is called. It then
/// commits the given offsets synchronously and lets the partitions go. Calling ``finish(committing:)`` again, or
/// after the timeout, has no effect.
public final class KafkaRevocation: Sendable {
    /// The partitions being revoked.
    public let partitions: [KafkaTopicPartition]
    private let state = Mutex<State>(.waiting)
    private let signal = RevocationSignal()

    private enum State {
        case waiting
        case finished([KafkaTopicPartition: Int64])
        case abandoned
    }

    init(partitions: [KafkaTopicPartition]) {
        self.partitions = partitions
    }

    /// Lets the consumer commit `offsets` (next offsets to read, i.e. last processed + 1; may be empty) and release
    /// the partitions.
    public func finish(committing offsets: [KafkaTopicPartition: Int64] = [:]) {
        let accepted = state.withLock { state -> Bool in
            guard case .waiting = state else { return false }
            state = .finished(offsets)
            return true
        }
        if accepted { signal.fire() }
    }

    /// Waits on the poll thread for ``finish(committing:)``; returns its offsets, or `nil` after `timeout`.
    ///
    /// `stillWaiting` runs about once a second meanwhile: the poll loop stamps its liveness with it, so that a long
    /// (deliberate, bounded) drain is not taken for a member that stopped polling (the send-time lease).
    func wait(timeout: Duration, stillWaiting: () -> Void = {}) -> [KafkaTopicPartition: Int64]? {
        var remaining = timeout
        while remaining > .zero {
            let slice = min(remaining, .seconds(1))
            if signal.wait(timeout: slice) { break }
            remaining -= slice
            stillWaiting()
        }
        return state.withLock { state in
            switch state {
            case .finished(let offsets):
                return offsets
            case .waiting, .abandoned:
                state = .abandoned
                return nil
            }
        }
    }
}
