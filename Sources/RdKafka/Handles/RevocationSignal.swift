import Foundation

/// A one-shot signal a thread can wait on with a timeout (wraps `NSCondition`).
final class RevocationSignal: @unchecked Sendable {
    // @unchecked: `fired` is only read and written while `condition` is locked.
    private let condition = NSCondition()
    private var fired = false

    /// Wakes the waiter (now or later: a fire before the wait is remembered).
    func fire() {
        condition.lock()
        fired = true
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks the calling thread until ``fire()`` or `timeout`. Returns `true` if fired.
    @discardableResult
    func wait(timeout: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.wholeMilliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while !fired {
            if !condition.wait(until: deadline) { break }
        }
        return fired
    }
}
