import Synchronization

/// Callers waiting for a librdkafka answer that another thread serves (a delivery report, a commit result), by the id
/// passed to librdkafka as the request's opaque.
///
/// An id is reserved before the request exists and its waiter registered right before the request goes to librdkafka.
/// A caller that gives up in between (timeout, cancellation) abandons the id: the registration then fails, and the
/// request is not sent. Each waiter is resumed exactly once: by the answer (``take(_:)``), by ``abandon(_:with:)``, or
/// by ``failAll(with:)`` at shutdown.
final class PendingWaiters<Value: Sendable>: Sendable {
    /// A suspended caller.
    typealias Waiter = CheckedContinuation<Result<Value, KafkaError>, Never>

    private struct State {
        /// The next id to hand out.
        var nextID: UInt = 1
        /// Ids handed out whose waiter is not registered yet (an id abandoned in between leaves this set).
        var reserved: Set<UInt> = []
        /// Registered waiters, by id.
        var waiting: [UInt: Waiter] = [:]
    }

    private let state = Mutex(State())

    /// Hands out a new id.
    func reserve() -> UInt {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.reserved.insert(state.nextID)
            return state.nextID
        }
    }

    /// Registers the waiter of `id`; returns `false` when it was abandoned first (then do not send the request).
    func register(_ id: UInt, _ waiter: Waiter) -> Bool {
        state.withLock { state in
            guard state.reserved.remove(id) != nil else { return false }
            state.waiting[id] = waiter
            return true
        }
    }

    /// Ends the wait of `id` with `error` (timeout, cancellation, or librdkafka refusing the request); does nothing once
    /// its answer was served, and an answer that comes later is dropped.
    /// - Returns: Whether a registered waiter was resumed.
    @discardableResult
    func abandon(_ id: UInt, with error: KafkaError) -> Bool {
        let waiter = state.withLock { state in
            state.reserved.remove(id)
            return state.waiting.removeValue(forKey: id)
        }
        waiter?.resume(returning: .failure(error))
        return waiter != nil
    }

    /// Removes and returns the waiter of `id`, for its answer (`nil` if it was abandoned).
    func take(_ id: UInt) -> Waiter? {
        state.withLock { $0.waiting.removeValue(forKey: id) }
    }

    /// Ends every wait with `error` (the client is gone); ids handed out later still count up.
    func failAll(with error: KafkaError) {
        let waiters = state.withLock { state in
            defer { (state.waiting, state.reserved) = ([:], []) }
            return Array(state.waiting.values)
        }
        for waiter in waiters { waiter.resume(returning: .failure(error)) }
    }
}
