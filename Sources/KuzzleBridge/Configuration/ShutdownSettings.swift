/// How the daemon stops on SIGTERM or SIGINT.
public struct ShutdownSettings: Sendable, Equatable {
    /// How long in-flight batches may take to reach Kuzzle before the final commit (`shutdown.drain_timeout`);
    /// events still unacknowledged then are not committed and will be consumed again. Default: 30 s.
    public var drainTimeout: Duration

    /// Creates shutdown settings.
    public init(drainTimeout: Duration = .seconds(30)) {
        self.drainTimeout = drainTimeout
    }
}
