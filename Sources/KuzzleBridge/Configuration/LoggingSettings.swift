import Logging

/// What the daemon logs and how.
public struct LoggingSettings: Sendable, Equatable {
    /// The lowest level written (`logging.level`). Default: `info`.
    public var level: Logger.Level
    /// The line format (`logging.format`). Default: ``LogFormat/logfmt``.
    public var format: LogFormat
    /// How often throughput and lag statistics are logged (`logging.stats_interval`); zero disables them.
    /// Default: 60 s.
    public var statsInterval: Duration
    /// How many identical warnings are written per ``repeatInterval`` before further repeats are counted instead
    /// (`logging.repeat_limit`); zero disables the limit. Default: 5.
    public var repeatLimit: Int
    /// The window of the repeat limit (`logging.repeat_interval`). Default: 60 s.
    public var repeatInterval: Duration

    /// Creates logging settings.
    public init(
        level: Logger.Level = .info,
        format: LogFormat = .logfmt,
        statsInterval: Duration = .seconds(60),
        repeatLimit: Int = 5,
        repeatInterval: Duration = .seconds(60)
    ) {
        self.level = level
        self.format = format
        self.statsInterval = statsInterval
        self.repeatLimit = repeatLimit
        self.repeatInterval = repeatInterval
    }
}
