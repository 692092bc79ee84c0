import CRdKafka
import Foundation
import Logging

/// Owns one `rd_kafka_t` (consumer or producer) and its configuration-time setup.
///
/// - Important: `@unchecked Sendable` because librdkafka documents `rd_kafka_t` as thread-safe for the calls made
///   through it here (poll on one thread; pause, resume, commit, committed and produce from any thread). The handle
///   does not destroy the pointer in `deinit`: the owning client destroys it exactly once, on its own thread, after
///   the poll loop has stopped (see ``destroy()``), because `rd_kafka_destroy` blocks and must not run on a
///   librdkafka thread or the cooperative pool.
final class RDKafkaHandle: @unchecked Sendable {
    /// The `rd_kafka_t *`.
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Builds a configuration from `pairs`, then creates the client.
    ///
    /// librdkafka's logs are routed to the main queue (`log.queue=true` plus `rd_kafka_set_log_queue`) and delivered
    /// as events with `eventMask`, so no Swift code runs on librdkafka's threads and librdkafka never prints to stderr.
    /// - Parameters:
    ///   - type: `RD_KAFKA_CONSUMER` or `RD_KAFKA_PRODUCER`.
    ///   - pairs: librdkafka keys and values, applied in order.
    ///   - eventMask: `RD_KAFKA_EVENT_*` bits to receive through `rd_kafka_queue_poll` on the main queue.
    ///   - configure: a last hook on the raw `rd_kafka_conf_t *` (rebalance callback, opaque).
    /// - Throws: ``KafkaError`` naming the rejected key, or the reason `rd_kafka_new` failed.
    static func make(
        type: rd_kafka_type_t,
        pairs: [(key: String, value: String)],
        eventMask: Int32,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) -> RDKafkaHandle {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(kind: .librdkafka, message: "rd_kafka_conf_new returned NULL")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        let allPairs = pairs + [(key: "log.queue", value: "true")]
        for (key, value) in allPairs {
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError.configuration(key: key, value: value, reason: String(decoding: errorText))
            }
        }
        rd_kafka_conf_set_events(conf, eventMask)
        configure(conf)
        // On success rd_kafka_new takes ownership of conf; on failure it is still ours to destroy.
        guard let pointer = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(kind: .librdkafka, message: "rd_kafka_new failed: \(String(decoding: errorText))")
        }
        let handle = RDKafkaHandle(pointer: pointer)
        let err = rd_kafka_set_log_queue(pointer, nil)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_destroy(pointer)
            throw KafkaError.librdkafka(err, message: "rd_kafka_set_log_queue failed")
        }
        return handle
    }

    /// Destroys the client. Call exactly once, from a thread that is not a librdkafka thread.
    func destroy() {
        rd_kafka_destroy(pointer)
    }

    /// Destroys a consumer whose close did not finish, without finishing it (`RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE`),
    /// on a thread of its own: librdkafka 2.0.2 still waits there for its group handler to terminate, which without a
    /// coordinator takes up to `session.timeout.ms`. Waits for it at most `wait`; past that the destruction finishes
    /// in the background (or never, if the process exits first: nothing is left to flush).
    /// - Returns: Whether the destruction finished within `wait`.
    @discardableResult
    func destroyWithoutConsumerClose(waitingAtMost wait: Duration) -> Bool {
        let finished = RevocationSignal()
        let thread = Thread { [self] in
            rd_kafka_destroy_flags(pointer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
            finished.fire()
        }
        thread.name = "kafka-destroy"
        thread.start()
        return finished.wait(timeout: wait)
    }
}

extension String {
    /// Decodes a NUL-terminated C buffer, lossily.
    init(decoding buffer: [CChar]) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}
