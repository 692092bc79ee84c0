/// The shape of each log line (`logging.format`).
public enum LogFormat: String, Sendable, Equatable, CaseIterable {
    /// `level=info msg="…" kafka.topic=orders` — readable, and parsed by most log tools.
    case logfmt
    /// One JSON object per line: `{"level":"info","msg":"…","kafka.topic":"orders"}`.
    case json
}
