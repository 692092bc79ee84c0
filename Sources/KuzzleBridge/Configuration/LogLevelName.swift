import Logging

/// The spelling of swift-log levels in the configuration file (`logging.level`).
public enum LogLevelName {
    /// Every accepted name, from the most to the least verbose.
    public static let allNames: [String] = Logger.Level.allCases.map(\.rawValue)

    /// The level called `name` (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`), case-insensitive.
    public static func level(named name: String) -> Logger.Level? {
        Logger.Level(rawValue: name.lowercased())
    }
}
