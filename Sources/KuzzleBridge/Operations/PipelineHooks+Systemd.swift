import Synchronization

extension PipelineHooks {
    /// Hooks that speak systemd's notify protocol: `READY=1` once ready, `STATUS=` at each stats line, `WATCHDOG=1`
    /// from the pipeline's own loop (at most every `watchdogPeriod`, and only while the consumer's poll loop is alive)
    /// and `STOPPING=1` on shutdown. Without `$NOTIFY_SOCKET` every hook does nothing.
    /// - Parameters:
    ///   - notifier: Where notifications go. Default: `$NOTIFY_SOCKET`.
    ///   - watchdogPeriod: The smallest interval between two `WATCHDOG=1`. Default: a quarter of `$WATCHDOG_USEC`, or
    ///     1 s when systemd set no watchdog.
    public static func systemd(
        notifier: SystemdNotifier = SystemdNotifier(),
        watchdogPeriod: Duration? = nil
    ) -> PipelineHooks {
        guard notifier.isEnabled else { return PipelineHooks() }
        let period = watchdogPeriod ?? SystemdNotifier.watchdogInterval().map { $0 / 4 } ?? .seconds(1)
        let lastWatchdog = Mutex<ContinuousClock.Instant?>(nil)
        return PipelineHooks(
            ready: { notifier.ready(status: "running: partitions assigned, Kuzzle answered") },
            status: { notifier.status($0) },
            heartbeat: {
                let now = ContinuousClock.now
                let due = lastWatchdog.withLock { last -> Bool in
                    if let last, now - last < period { return false }
                    last = now
                    return true
                }
                if due { notifier.watchdog() }
            },
            stopping: { notifier.stopping(status: "stopping: draining in-flight writes") }
        )
    }
}
