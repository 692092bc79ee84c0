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
    private let waiting = Mutex<
        (nextID: UInt, byID: [UInt: CheckedContinuation<Result<KafkaProducer.Delivery, KafkaError>, Never>])
    >((1, [:]))
    private let closed = Mutex<(isDone: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(logger: Logger) {
        self.logger = logger
    }

    /// Registers a send; its id goes to librdkafka as the message opaque.
    func register(_ waiter: CheckedContinuation<Result<KafkaProducer.Delivery, KafkaError>, Never>) -> UInt {
        waiting.withLock { state in
            defer { state.nextID += 1 }
            state.byID[state.nextID] = waiter
            return state.nextID
        }
    }

    /// Removes and returns a registered send.
    func take(_ id: UInt) -> CheckedContinuation<Result<KafkaProducer.Delivery, KafkaError>, Never>? {
        waiting.withLock { $0.byID.removeValue(forKey: id) }
    }

    /// The delivery thread: serve the main queue until stopped, then free everything.
    func run(client: ProducerClient) {
        while !stopRequested.load(ordering: .acquiring) {
            serve(client: client, timeout: 100)
        }
        client.gate.close()
        client.gate.waitUntilIdle()
        serve(client: client, timeout: 0)
        rd_kafka_queue_destroy(client.mainQueue)
        client.handle.destroy()  // purges what is left; their reports are not served any more
        let abandoned = waiting.withLock { state in
            defer { state.byID = [:] }
            return Array(state.byID.values)
        }
        for waiter in abandoned { waiter.resume(returning: .failure(.closed("send: the producer closed first"))) }
        let waiters = closed.withLock { state in
            state.isDone = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
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
                    take(id)?.resume(returning: result)
                }
            case RD_KAFKA_EVENT_LOG:
                LibrdkafkaLog.forward(logEvent: event, to: logger)
            case RD_KAFKA_EVENT_ERROR:
                let error = LibrdkafkaLog.error(fromErrorEvent: event, client: client.handle.pointer)
                logger.log(
                    level: error.isFatal ? .critical : .warning,
                    "kafka producer error",
                    metadata: ["kafka.error": "\(error)"]
                )
            default:
                break
            }
        }
    }

    /// Suspends until the delivery thread has freed everything.
    func waitUntilClosed() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let isDone = closed.withLock { state -> Bool in
                if !state.isDone { state.waiters.append(waiter) }
                return state.isDone
            }
            if isDone { waiter.resume() }
        }
    }
}
