import CRdKafka
import Logging

/// Forwards librdkafka's queued log and error events to swift-log, on the thread that polls them.
enum LibrdkafkaLog {
    /// Logs one `RD_KAFKA_EVENT_LOG` event.
    ///
    /// Syslog levels map as: 0-2 critical, 3 error, 4 warning, 5 notice, 6 info, 7 debug.
    static func forward(logEvent event: OpaquePointer, to logger: Logger) {
        var facility: UnsafePointer<CChar>?
        var text: UnsafePointer<CChar>?
        var level: Int32 = 6
        guard rd_kafka_event_log(event, &facility, &text, &level) == 0 else { return }
        let swiftLevel: Logger.Level =
            switch level {
            case ...2: .critical
            case 3: .error
            case 4: .warning
            case 5: .notice
            case 6: .info
            default: .debug
            }
        logger.log(
            level: swiftLevel,
            "\(text.map { String(cString: $0) } ?? "")",
            metadata: ["librdkafka.facility": "\(facility.map { String(cString: $0) } ?? "")"]
        )
    }

    /// Builds the error carried by an `RD_KAFKA_EVENT_ERROR` event (asking librdkafka for the underlying fatal
    /// error when the event is fatal).
    static func error(fromErrorEvent event: OpaquePointer, client: OpaquePointer) -> KafkaError {
        let err = rd_kafka_event_error(event)
        let text = rd_kafka_event_error_string(event).map { String(cString: $0) }
        guard rd_kafka_event_error_is_fatal(event) != 0 else {
            return KafkaError.librdkafka(err, message: text)
        }
        var buffer = [CChar](repeating: 0, count: 512)
        let fatal = rd_kafka_fatal_error(client, &buffer, buffer.count)
        var error = KafkaError.librdkafka(fatal, message: String(decoding: buffer))
        error.isFatal = true
        error.isRetriable = false
        return error
    }

    /// Logs the error carried by an `RD_KAFKA_EVENT_ERROR` event (critical when fatal, else a warning: librdkafka
    /// retries it) as `kafka <role> error`, and returns it.
    @discardableResult
    static func logError(
        fromErrorEvent event: OpaquePointer,
        client: OpaquePointer,
        role: String,
        to logger: Logger
    ) -> KafkaError {
        let error = error(fromErrorEvent: event, client: client)
        logger.log(
            level: error.isFatal ? .critical : .warning,
            "kafka \(role) error",
            metadata: ["kafka.error": "\(error)"]
        )
        return error
    }
}
