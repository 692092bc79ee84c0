import Logging
import Synchronization

/// The one place log lines are formatted, rate-limited and written; shared by every ``BridgeLogHandler``.
///
/// All lines pass through one lock, so they are never interleaved and a repeat summary always precedes the line that
/// triggered it.
public final class BridgeLogOutput: Sendable {
    /// The line format.
    public let format: LogFormat
    /// Whether lines start with a `<N>` syslog priority instead of a timestamp (standard output is the journal).
    public let writesToJournal: Bool
    private let sink: any LogLineSink
    private let clock: @Sendable () -> LogTimestamp
    private let limiter: Mutex<RepeatedWarningLimiter>

    /// Creates an output.
    ///
    /// - Parameters:
    ///   - format: logfmt or JSON.
    ///   - writesToJournal: `true` for `<N>` priority prefixes and no timestamp
    ///     (see ``journalIsStandardOutput(environment:)``).
    ///   - repeatLimit: The most identical warnings per `repeatInterval`; 0 disables the limit.
    ///   - repeatInterval: The repeat limiter's window.
    ///   - sink: Where lines go (standard output in the daemon, a recorder in tests).
    ///   - clock: The wall clock (injected by tests).
    public init(
        format: LogFormat,
        writesToJournal: Bool,
        repeatLimit: Int,
        repeatInterval: Duration,
        sink: any LogLineSink = FileDescriptorLogSink(),
        clock: @escaping @Sendable () -> LogTimestamp = LogTimestamp.now
    ) {
        self.format = format
        self.writesToJournal = writesToJournal
        self.sink = sink
        self.clock = clock
        self.limiter = Mutex(RepeatedWarningLimiter(limit: repeatLimit, interval: repeatInterval))
    }

    /// Creates the output the daemon uses: format and limits from `settings`, journal prefixes when
    /// `$JOURNAL_STREAM` is set in `environment`.
    public convenience init(
        settings: LoggingSettings,
        environment: [String: String],
        sink: any LogLineSink = FileDescriptorLogSink(),
        clock: @escaping @Sendable () -> LogTimestamp = LogTimestamp.now
    ) {
        self.init(
            format: settings.format,
            writesToJournal: Self.journalIsStandardOutput(environment: environment),
            repeatLimit: settings.repeatLimit,
            repeatInterval: settings.repeatInterval,
            sink: sink,
            clock: clock
        )
    }

    /// Whether systemd connected standard output to the journal (it then sets `$JOURNAL_STREAM`).
    public static func journalIsStandardOutput(environment: [String: String]) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        return !stream.isEmpty
    }

    /// Formats and writes one event (after the repeat limiter had its say).
    func emit(level: Logger.Level, message: String, metadata: Logger.Metadata, error: String?) {
        let record = LogRecord(level: level, message: message, metadata: metadata, error: error, timestamp: clock())
        let prefix: LogLinePrefix = writesToJournal ? .journalPriority : .timestamp
        limiter.withLock { limiter in
            let (summaries, write) = limiter.admit(record)
            for summary in summaries {
                sink.write(line: LogLineEncoder.line(for: summary, format: format, prefix: prefix))
            }
            if write { sink.write(line: LogLineEncoder.line(for: record, format: format, prefix: prefix)) }
        }
    }

    /// Writes the pending "dropped repeats" summaries now (call before exiting).
    public func flushRepeatSummaries() {
        let prefix: LogLinePrefix = writesToJournal ? .journalPriority : .timestamp
        let now = clock()
        limiter.withLock { limiter in
            for summary in limiter.flush(now: now) {
                sink.write(line: LogLineEncoder.line(for: summary, format: format, prefix: prefix))
            }
        }
    }
}
