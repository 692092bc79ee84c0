import CRdKafka

/// An error from the Kafka layer: librdkafka's raw error code plus the context needed to act on it.
///
/// Classify with ``isFatal`` (the client must be recreated: stop and let the supervisor restart), ``isRetriable``
/// (try the same operation again later), or ``code`` (`rd_kafka_resp_err_t`, e.g. `-172` `_STATE`,
/// `27` `REBALANCE_IN_PROGRESS`). Configuration errors carry the librdkafka key in ``configurationKey``.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, independently of librdkafka's code.
    public enum Kind: String, Sendable, Equatable {
        /// librdkafka rejected a configuration key or value.
        case configuration
        /// librdkafka reported an error (see ``KafkaError/code``).
        case librdkafka
        /// The client was already closed (or is closing) when the operation was asked for.
        case closed
        /// A bounded wait (delivery, flush, committed offsets) ran out.
        case timedOut
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// The raw `rd_kafka_resp_err_t` value (0 when not from librdkafka).
    public var code: Int32
    /// librdkafka's symbolic name of ``code`` (e.g. `_TRANSPORT`, `REBALANCE_IN_PROGRESS`), or an empty string.
    public var codeName: String
    /// The human-readable reason.
    public var message: String
    /// `true` when librdkafka says the client instance is no longer usable.
    public var isFatal: Bool
    /// `true` when the same operation may succeed if tried again.
    public var isRetriable: Bool
    /// The librdkafka configuration key concerned, for ``Kind/configuration`` errors.
    public var configurationKey: String?

    /// Creates an error from its parts.
    public init(
        kind: Kind,
        code: Int32 = 0,
        codeName: String = "",
        message: String,
        isFatal: Bool = false,
        isRetriable: Bool = false,
        configurationKey: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.codeName = codeName
        self.message = message
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.configurationKey = configurationKey
    }

    /// One line naming what failed and where, e.g. `kafka.properties.session.timeout.ms: librdkafka rejected …`.
    public var description: String {
        switch kind {
        case .configuration:
            return "kafka.properties.\(configurationKey ?? "?"): \(message)"
        case .librdkafka:
            let flags = (isFatal ? " fatal" : "") + (isRetriable ? " retriable" : "")
            return "librdkafka \(codeName) (\(code))\(flags): \(message)"
        case .closed, .timedOut:
            return "kafka \(kind.rawValue): \(message)"
        }
    }
}

// MARK: - Factories from librdkafka values

extension KafkaError {
    /// A configuration error naming the key only: librdkafka's own text quotes the rejected value (which may be a
    /// secret), so the message is rebuilt from what kind of rejection it was and never carries `value`.
    static func configuration(key: String, value: String, reason: String) -> KafkaError {
        KafkaError(
            kind: .configuration,
            code: Int32(RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue),
            codeName: "_INVALID_ARG",
            message: rejectionMessage(key: key, value: value, reason: reason),
            configurationKey: key
        )
    }

    /// `librdkafka rejected …` naming `key` and the kind of rejection, without the value or librdkafka's quote of it.
    static func rejectionMessage(key: String, value: String, reason: String) -> String {
        if reason.contains("No such configuration property") {
            return "librdkafka has no such property (the value is not shown)"
        }
        if let range = reason.firstRange(of: "allowed range ") {
            let bounds = reason[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" }
            if !bounds.isEmpty, value.isEmpty || !bounds.contains(value) {
                return "librdkafka rejected the value (not shown): outside the allowed range \(bounds)"
            }
        }
        if reason.contains("Unsupported value") {
            return "librdkafka rejected the value (not shown): not supported by this librdkafka build"
        }
        if reason.contains("dedicated") || reason.contains("must be set") {
            return "librdkafka does not accept this property in a configuration file"
        }
        return "librdkafka rejected the value (not shown): invalid for this property"
    }

    /// An error from a bare `rd_kafka_resp_err_t`, with an optional message overriding librdkafka's text.
    static func librdkafka(_ err: rd_kafka_resp_err_t, message: String? = nil) -> KafkaError {
        KafkaError(
            kind: .librdkafka,
            code: Int32(err.rawValue),
            codeName: String(cString: rd_kafka_err2name(err)),
            message: message ?? String(cString: rd_kafka_err2str(err)),
            isFatal: err == RD_KAFKA_RESP_ERR__FATAL,
            isRetriable: Self.retriableCodes.contains(err.rawValue)
        )
    }

    /// An error from an `rd_kafka_error_t`, which carries its own fatal and retriable flags. Destroys `error`.
    static func consuming(_ error: OpaquePointer) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        return KafkaError(
            kind: .librdkafka,
            code: Int32(err.rawValue),
            codeName: String(cString: rd_kafka_err2name(err)),
            message: String(cString: rd_kafka_error_string(error)),
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0 || Self.retriableCodes.contains(err.rawValue)
        )
    }

    /// The client is closed.
    static func closed(_ what: String) -> KafkaError {
        KafkaError(kind: .closed, message: what)
    }

    /// Transient codes: transport and timeouts, leadership moves, rebalances, and coordinator changes.
    private static let retriableCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
        RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION, RD_KAFKA_RESP_ERR__WAIT_COORD,
    ].reduce(into: Set<Int32>()) { $0.insert($1.rawValue) }
}
