/// Polls `condition` every `interval` until it holds or `timeout` passes; returns whether it held (the condition is
/// checked once more at the deadline).
///
/// The tests' one way to wait for something to happen: a wait on a condition, never a fixed sleep.
public func eventually(
    timeout: Duration,
    interval: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}
