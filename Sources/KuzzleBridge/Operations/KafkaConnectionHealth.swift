import Logging
import RdKafka

/// Tells Kafka connection failures that no retry can fix (TLS, authentication, a security-protocol mismatch) from
/// transient ones (network), and decides what to log and what systemd's `STATUS=` should say, at most one error line
/// per cause per ``errorInterval``.
///
/// librdkafka keeps reconnecting (with `reconnect.backoff.ms` growing to `reconnect.backoff.max.ms`) whatever the
/// cause, and the daemon keeps running: a broker-side fix (a CA installed, a SCRAM user created, a listener
/// reconfigured) is picked up without a restart, and a restart would not fix a wrong certificate or password. The
/// error line and `STATUS=` say that it cannot connect and why.
///
/// The pipeline makes one call per consumer event: ``observe(_:now:)``, then logs the returned report's line at its
/// level and passes its ``Report/systemdStatus`` to the status hook.
public struct KafkaConnectionHealth: Sendable {
    /// Why the client cannot connect.
    public enum Cause: String, Sendable, Equatable, CaseIterable {
        /// The TLS handshake failed: the broker's certificate is not trusted (another CA) or does not name the host,
        /// the broker wants a client certificate, or the client's certificate is refused. Not retriable.
        case tls
        /// SASL authentication failed: wrong user name or password, unknown mechanism. Not retriable.
        case authentication
        /// The listener speaks another security protocol (e.g. a plaintext client against a TLS listener). Not
        /// retriable.
        case protocolMismatch = "protocol mismatch"
        /// The broker cannot be reached or closed the connection. Retriable.
        case network

        /// Whether reconnecting cannot help until the configuration (or the broker's) changes.
        public var isPermanent: Bool { self != .network }

        /// What an operator should check, for the error line.
        public var hint: String {
            switch self {
            case .tls:
                return "check kafka.tls.ca_file (the CA that signed the brokers' certificates), the broker host name "
                    + "against its certificate, and kafka.tls.certificate_file/key_file when the brokers require "
                    + "client certificates"
            case .authentication:
                return "check kafka.sasl.mechanism, kafka.sasl.username and the SASL password"
            case .protocolMismatch:
                return "check kafka.security.protocol against the listener at kafka.bootstrap_servers"
            case .network:
                return "check that the brokers are up and reachable"
            }
        }
    }

    /// What to log for one error, and the systemd status to set.
    public struct Report: Sendable, Equatable {
        /// `.error` for a permanent cause, `.warning` for a transient one.
        public var level: Logger.Level
        /// The log message.
        public var message: String
        /// The cause.
        public var cause: Cause
        /// The log metadata: `kafka.cause`, `kafka.hint`, `error` (librdkafka's text).
        public var metadata: Logger.Metadata
        /// The new `STATUS=` text, or `nil` to leave it.
        public var systemdStatus: String?
    }

    /// The shortest interval between two error lines for the same permanent cause. Default: 30 s.
    public var errorInterval: Duration
    /// The permanent cause seen last, until records or an assignment arrive again.
    public private(set) var failingCause: Cause?
    private var lastLine: [Cause: ContinuousClock.Instant] = [:]
    private var suppressed: [Cause: Int] = [:]

    /// Creates a tracker.
    public init(errorInterval: Duration = .seconds(30)) {
        self.errorInterval = errorInterval
    }

    /// The cause of a librdkafka error, or `nil` when it is not about connecting (e.g. a rebalance error).
    public static func cause(of error: KafkaError) -> Cause? {
        let text = error.message
        if error.codeName == "_SSL" { return .tls }
        if error.codeName == "_AUTHENTICATION" { return .authentication }
        if text.contains("security.protocol") || text.contains("wrong version number")
            || text.contains("http request") || text.contains("packet length too long")
        {
            return .protocolMismatch
        }
        if text.contains("SASL") || text.contains("uthentication") { return .authentication }
        if text.contains("SSL") || text.contains("certificate") { return .tls }
        if ["_TRANSPORT", "_ALL_BROKERS_DOWN", "_RESOLVE", "_TIMED_OUT"].contains(error.codeName) {
            return .network
        }
        return nil
    }

    /// Feeds one consumer event. An error yields the report to log (or `nil` while a permanent cause's line is rate
    /// limited, or for errors that are not about connecting); records or an assignment after a permanent failure
    /// yield a `.notice` report whose status says the connection works again.
    public mutating func observe(_ event: KafkaConsumerEvent, now: ContinuousClock.Instant) -> Report? {
        switch event {
        case .error(let error):
            return observe(error, now: now)
        case .records, .partitionsAssigned:
            return observeConnected()
        default:
            return nil
        }
    }

    /// Records arrived or partitions were assigned: after a permanent failure, the `.notice` report that the
    /// connection works again (see ``observe(_:now:)``).
    public mutating func observeConnected() -> Report? {
        guard let cause = failingCause else { return nil }
        failingCause = nil
        lastLine = [:]
        suppressed = [:]
        return Report(
            level: .notice,
            message: "Kafka connection works again",
            cause: cause,
            metadata: ["kafka.cause": "\(cause.rawValue)"],
            systemdStatus: "running: Kafka connection restored"
        )
    }

    /// Feeds one error (see ``observe(_:now:)``).
    public mutating func observe(_ error: KafkaError, now: ContinuousClock.Instant) -> Report? {
        guard let cause = Self.cause(of: error) else { return nil }
        var metadata: Logger.Metadata = [
            "kafka.cause": "\(cause.rawValue)", "kafka.hint": "\(cause.hint)", "error": "\(error.message)",
        ]
        guard cause.isPermanent else {
            if failingCause != nil { return nil }
            return Report(
                level: .warning,
                message: "Kafka connection failed; librdkafka retries it",
                cause: cause,
                metadata: metadata,
                systemdStatus: nil
            )
        }
        if let last = lastLine[cause], now - last < errorInterval {
            suppressed[cause, default: 0] += 1
            failingCause = cause
            return nil
        }
        if let count = suppressed[cause], count > 0 { metadata["suppressed"] = "\(count)" }
        lastLine[cause] = now
        suppressed[cause] = 0
        failingCause = cause
        return Report(
            level: .error,
            message: "Cannot connect to Kafka: \(cause.rawValue) failure; the configuration or the broker must change "
                + "(reconnecting with backoff meanwhile)",
            cause: cause,
            metadata: metadata,
            systemdStatus: "cannot connect to Kafka: \(cause.rawValue) failure (\(cause.hint))"
        )
    }
}
