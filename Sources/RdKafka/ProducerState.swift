import CRdKafka
import Foundation
import Logging
import Synchronization

/// The C objects of one producer.
///
/// - Important: `@unchecked Sendable` because it only wraps C handles: `rd_kafka_t` is thread-safe for produce and
///   flush, the main queue is polled only by the producer's thread, and ``gate`` keeps callers out once the
///   shutdown destroys them.
final class ProducerClient: @unchecked Sendable {
    let handle: RDKafkaHandle
    let mainQueue: OpaquePointer
    let gate = HandleGate()

    init(handle: RDKafkaHandle, mainQueue: OpaquePointer) {
        self.handle = handle
        self.mainQueue = mainQueue
    }
}

/// The producer's delivery thread and the sends waiting for their reports.
final class ProducerState: Sendable {
    let logger: Logger
    let stopRequested = Atomic<Bool>(false)
    /// Sends waiting for their delivery report, by the id passed as the message's opaque.
    let sends = PendingWaiters<KafkaProducer.Delivery>()
    private let shutdownDone = CompletionSignal()

    init(logger: Logger) {
        self.logger = logger
    }

    /// The delivery thread: serve the main queue until stopped, then free everything.
    func run(client: ProducerClient) {
        while !stopRequested.load(ordering: .acquiring) {
            serve(client: client, timeout: 100)
        }
        client.gate.close()
        client.gate.waitUntilIdle()
        // Whatever the flush left (an unreachable broker keeps messages up to message.timeout.ms) is purged, so that
        // rd_kafka_destroy does not wait for it; the purged messages' reports fail their senders.
        let purgeErr = rd_kafka_purge(client.handle.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
        if purgeErr != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning(
                "kafka producer: purge failed",
                metadata: ["kafka.error": "\(KafkaError.librdkafka(purgeErr))"]
            )
        }
        serve(client: client, timeout: 100)
        rd_kafka_queue_destroy(client.mainQueue)
        client.handle.destroy()
        sends.failAll(with: .closed("send: the producer closed first"))
        shutdownDone.complete()
    }

    private func serve(client: ProducerClient, timeout: Int32) {
        var wait = timeout
        while let event = rd_kafka_queue_poll(client.mainQueue, wait) {
            wait = 0
            defer { rd_kafka_event_destroy(event) }
            switch rd_kafka_event_type(event) {
            case RD_KAFKA_EVENT_DR:
                while let message = rd_kafka_event_message_next(event) {
                    let id = UInt(bitPattern: message.pointee._private)
                    let err = message.pointee.err
                    let result: Result<KafkaProducer.Delivery, KafkaError> =
                        err == RD_KAFKA_RESP_ERR_NO_ERROR
                        ? .success((message.pointee.partition, message.pointee.offset))
                        : .failure(.librdkafka(err))
                    sends.take(id)?.resume(returning: result)
                }
            case RD_KAFKA_EVENT_LOG:
                LibrdkafkaLog.forward(logEvent: event, to: logger)
            case RD_KAFKA_EVENT_ERROR:
                LibrdkafkaLog.logError(
                    fromErrorEvent: event,
                    client: client.handle.pointer,
                    role: "producer",
                    to: logger
                )
            default:
                break
            }
        }
    }

    /// Suspends until the delivery thread has freed everything.
    func waitUntilClosed() async {
        await shutdownDone.wait()
    }
}
