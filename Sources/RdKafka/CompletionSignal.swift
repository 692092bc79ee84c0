import Synchronization

/// A one-time event that tasks wait for: a client's thread has freed everything.
final class CompletionSignal: Sendable {
    private let state = Mutex<(isDone: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Marks the event done and resumes every waiter (later waits return at once).
    func complete() {
        let waiters = state.withLock { state in
            state.isDone = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until ``complete()`` (returns at once if it already happened).
    func wait() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let isDone = state.withLock { state -> Bool in
                if !state.isDone { state.waiters.append(waiter) }
                return state.isDone
            }
            if isDone { waiter.resume() }
        }
    }
}
