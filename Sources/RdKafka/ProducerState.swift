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
        (
            nextID: UInt, reserved: Set<UInt>,
            byID: [UInt: CheckedContinuation<Result<KafkaProducer.Delivery, KafkaError>, Never>]
        )
    >((1, [], [:]))
    private let closed = Mutex<(isDone: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(logger: Logger) {
        self.logger = logger
    }

    /// Hands out the id of a new send (it goes to librdkafka as the message opaque).
    func reserve() -> UInt {
        waiting.withLock { state in
            defer { state.nextID += 1 }
            state.reserved.insert(state.nextID)
            return state.nextID
        }
    }

    /// Registers the waiter of send `id`; returns `false` when the send was abandoned first (then do not produce).
    func register(_ id: UInt, _ waiter: CheckedContinuation<Result<KafkaProducer.Delivery, KafkaError>, Never>) -> Bool
    {
        waiting.withLock { state in
            guard state.reserved.remove(id) != nil else { return false }
            state.byID[id] = waiter
            return true
        }
    }

    /// Ends the wait of send `id` with `error` (cancellation, or librdkafka refusing the message); a delivery report
    /// that comes later is dropped.
    /// - Returns: Whether a registered waiter was resumed.
    @discardableResult
    func abandon(_ id: UInt, with error: KafkaError) -> Bool {
        let waiter = waiting.withLock { state in
            state.reserved.remove(id)
            return state.byID.removeValue(forKey: id)
        }
        waiter?.resume(returning: .failure(error))
        return waiter != nil
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
        let abandoned = waiting.withLock { state in
            defer { (state.byID, state.reserved) = ([:], []) }
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
