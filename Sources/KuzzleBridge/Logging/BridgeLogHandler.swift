import Logging

/// The daemon's swift-log handler: one logfmt or JSON line per event, journald-aware, with repeated warnings limited.
///
/// Every handler made for one daemon shares one ``BridgeLogOutput``. Tests build handlers on an output with a
/// recording sink; only the daemon calls ``bootstrap(output:level:)``.
public struct BridgeLogHandler: LogHandler {
    /// The lowest level this handler writes.
    public var logLevel: Logger.Level
    /// Metadata attached to every event of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata (task-locals) added to every event.
    public var metadataProvider: Logger.MetadataProvider?
    /// The logger's label (not written: the daemon has a single label).
    public let label: String
    private let output: BridgeLogOutput

    /// Creates a handler writing to `output`.
    public init(
        label: String,
        output: BridgeLogOutput,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.output = output
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    /// Installs handlers on `output` as the process-wide logging backend.
    ///
    /// - Important: Call once, from the daemon's `main`; never from tests (swift-log allows one bootstrap per process).
    public static func bootstrap(output: BridgeLogOutput, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            BridgeLogHandler(label: label, output: output, logLevel: level)
        }
    }

    /// Writes `event` as one line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let callSite = event.metadata { merged.merge(callSite) { _, new in new } }
        output.emit(
            level: event.level,
            message: event.message.description,
            metadata: merged,
            error: event.error.map { String(describing: $0) }
        )
    }

    /// Reads or writes one metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
