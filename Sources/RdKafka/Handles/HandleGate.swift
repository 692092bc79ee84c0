import Foundation
import Synchronization

/// Counts callers currently using a C handle so that it is destroyed only once nobody is inside a C call.
///
/// Public methods ``enter()`` before touching the handle and ``leave()`` after; the shutdown path ``close()``s the
/// gate (new callers get a `.closed` error) and then ``waitUntilIdle()`` before destroying anything.
final class HandleGate: Sendable {
    private let state = Mutex<(isClosed: Bool, users: Int)>((false, 0))

    /// Registers a caller; returns `false` when the handle is closed or closing.
    func enter() -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.users += 1
            return true
        }
    }

    /// Unregisters a caller registered by ``enter()``.
    func leave() {
        state.withLock { $0.users -= 1 }
    }

    /// Refuses new callers from now on.
    func close() {
        state.withLock { $0.isClosed = true }
    }

    /// Whether ``close()`` was called.
    var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Blocks (polling every 5 ms) until every registered caller has left.
    func waitUntilIdle() {
        while state.withLock({ $0.users }) > 0 {
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Runs `body` while registered, or throws `.closed` naming `what`.
    func withHandle<Result>(_ what: String, _ body: () throws(KafkaError) -> Result) throws(KafkaError) -> Result {
        guard enter() else { throw KafkaError.closed("\(what): the client is closed") }
        defer { leave() }
        return try body()
    }
}
