import Logging

/// Limits identical warnings: at most `limit` lines per `interval` for the same message and the same identifying
/// metadata (``LogKeys/repeatIdentity``), then one summary line with the number of repeats dropped.
///
/// A pure value: time is passed in. The summary of a window is produced when the next identical warning arrives after
/// the window ended, when any event arrives at least a second after the last sweep and finds the window expired, or by
/// ``flush(now:)``.
struct RepeatedWarningLimiter {
    /// The most identical warnings written per window; 0 disables limiting.
    let limit: Int
    /// The window length.
    let interval: Duration
    /// The most distinct warnings tracked at once; beyond it the oldest window is closed early.
    let maximumTrackedWarnings: Int

    /// The state of one kind of warning.
    private struct Window {
        var start: LogTimestamp
        var written: Int
        var dropped: Int
        var level: Logger.Level
        var message: String
        var identity: Logger.Metadata
    }

    private var windows: [String: Window] = [:]
    private var lastSweep = LogTimestamp(seconds: 0)

    /// Creates a limiter.
    init(limit: Int, interval: Duration, maximumTrackedWarnings: Int = 1000) {
        self.limit = limit
        self.interval = interval
        self.maximumTrackedWarnings = maximumTrackedWarnings
    }

    /// Decides whether `record` is written, and returns the summary lines due before it.
    mutating func admit(_ record: LogRecord) -> (summaries: [LogRecord], write: Bool) {
        var summaries: [LogRecord] = []
        if !windows.isEmpty, record.timestamp.since(lastSweep) >= .seconds(1) {
            lastSweep = record.timestamp
            summaries += closeWindows(now: record.timestamp) { [interval] in
                record.timestamp.since($0.start) >= interval
            }
        }
        guard limit > 0, record.level == .warning else { return (summaries, true) }

        let identity = record.metadata.filter { LogKeys.repeatIdentity.contains($0.key) }
        let signature = Self.signature(level: record.level, message: record.message, identity: identity)
        if var window = windows[signature], record.timestamp.since(window.start) < interval {
            if window.written < limit {
                window.written += 1
                windows[signature] = window
                return (summaries, true)
            }
            window.dropped += 1
            windows[signature] = window
            return (summaries, false)
        }
        if let expired = windows.removeValue(forKey: signature),
            let summary = Self.summary(expired, now: record.timestamp)
        {
            summaries.append(summary)
        }
        if windows.count >= maximumTrackedWarnings, let oldest = windows.min(by: { $0.value.start < $1.value.start }) {
            windows[oldest.key] = nil
            if let summary = Self.summary(oldest.value, now: record.timestamp) { summaries.append(summary) }
        }
        windows[signature] = Window(
            start: record.timestamp,
            written: 1,
            dropped: 0,
            level: record.level,
            message: record.message,
            identity: identity
        )
        return (summaries, true)
    }

    /// Closes every window and returns the summaries of those that dropped lines (for shutdown).
    mutating func flush(now: LogTimestamp) -> [LogRecord] {
        closeWindows(now: now) { _ in true }
    }

    /// Removes the windows matching `isDone` and returns their summaries, oldest first.
    private mutating func closeWindows(now: LogTimestamp, where isDone: (Window) -> Bool) -> [LogRecord] {
        let done = windows.filter { isDone($0.value) }.sorted { $0.value.start < $1.value.start }
        for (signature, _) in done { windows[signature] = nil }
        return done.compactMap { Self.summary($0.value, now: now) }
    }

    /// The summary line of a window, or `nil` when it dropped nothing.
    private static func summary(_ window: Window, now: LogTimestamp) -> LogRecord? {
        guard window.dropped > 0 else { return nil }
        var metadata = window.identity
        metadata[LogKeys.repeatsDropped] = .stringConvertible(window.dropped)
        return LogRecord(
            level: window.level,
            message: "dropped repeats of: \(window.message)",
            metadata: metadata,
            error: nil,
            timestamp: now
        )
    }

    /// A key equal for warnings that count as identical.
    private static func signature(level: Logger.Level, message: String, identity: Logger.Metadata) -> String {
        var key = "\(level.rawValue)\u{1F}\(message)"
        for (name, value) in identity.sorted(by: { $0.key < $1.key }) {
            key += "\u{1F}\(name)=\(LogLineEncoder.flatten(value))"
        }
        return key
    }
}
