import CRdKafka
import Foundation
import Logging
import Synchronization

/// An idempotent (`acks=all`) producer for the dead-letter topic: each ``send(topic:key:value:headers:)`` returns
/// once the broker acknowledged that message (per-message delivery report).
///
/// A dedicated thread polls the main queue for delivery reports, logs and errors; no Swift code runs on librdkafka's
/// threads. Call ``close()`` once done.
public final class KafkaProducer: Sendable {
    /// Where a message was written.
    public typealias Delivery = (partition: Int32, offset: Int64)

    private let state: ProducerState
    private let client: ProducerClient

    /// Creates the producer and starts its delivery-report thread.
    /// - Throws: ``KafkaError`` naming a rejected configuration key, or a librdkafka creation error.
    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws(KafkaError) {
        let handle = try RDKafkaHandle.make(
            type: RD_KAFKA_PRODUCER,
            pairs: configuration.librdkafkaProperties,
            eventMask: Int32(RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_LOG | RD_KAFKA_EVENT_ERROR)
        )
        guard let mainQueue = rd_kafka_queue_get_main(handle.pointer) else {
            handle.destroy()
            throw KafkaError(kind: .librdkafka, message: "could not get the librdkafka main queue")
        }
        let client = ProducerClient(handle: handle, mainQueue: mainQueue)
        let state = ProducerState(logger: logger)
        self.client = client
        self.state = state
        let thread = Thread { state.run(client: client) }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    /// Sends one message and waits for its delivery report.
    /// - Parameters:
    ///   - topic: destination topic.
    ///   - key: key bytes, or `nil`.
    ///   - value: value bytes, or `nil` for a tombstone.
    ///   - headers: headers, in order (values may be `nil`).
    /// - Returns: the partition and offset the broker wrote the message at.
    ///
    /// Cancelling the calling task stops the wait (it throws, kind `.timedOut`); the message may still be delivered.
    /// - Throws: ``KafkaError`` if librdkafka refused to enqueue it (e.g. queue full, retriable) or the delivery
    ///   failed after librdkafka's own retries (`message.timeout.ms`), `.closed`, or on cancellation.
    public func send(
        topic: String,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader] = []
    ) async throws(KafkaError) -> Delivery {
        let sends = state.sends
        let id = sends.reserve()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Result<Delivery, KafkaError>, Never>) in
                do throws(KafkaError) {
                    try client.gate.withHandle("send") { () throws(KafkaError) in
                        guard sends.register(id, waiter) else { throw KafkaError.cancelledWait("send") }
                        let err = produce(topic: topic, key: key, value: value, headers: headers, id: id)
                        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                            sends.abandon(
                                id,
                                with: KafkaError.librdkafka(
                                    err,
                                    message: "produce to \(topic) refused: \(String(cString: rd_kafka_err2str(err)))"
                                )
                            )
                        }
                    }
                } catch {
                    // Exactly one resume: through the registration if the waiter was registered, else here.
                    if !sends.abandon(id, with: error) { waiter.resume(returning: .failure(error)) }
                }
            }
        } onCancel: {
            sends.abandon(id, with: KafkaError.cancelledWait("send"))
        }
        return try result.get()
    }

    private func produce(
        topic: String,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [KafkaHeader],
        id: UInt
    ) -> rd_kafka_resp_err_t {
        var headerList: OpaquePointer? = nil
        if !headers.isEmpty {
            headerList = rd_kafka_headers_new(headers.count)
            for header in headers {
                let size = header.value.map { $0.count } ?? -1
                _ = header.value.withOptionalBytes { bytes in
                    rd_kafka_header_add(headerList, header.name, -1, bytes, size)
                }
            }
        }
        let err = key.withOptionalBytes { keyBytes in
            value.withOptionalBytes { valueBytes in
                kb_rdkafka_produce(
                    client.handle.pointer,
                    topic,
                    -1,
                    keyBytes,
                    key?.count ?? 0,
                    valueBytes,
                    value?.count ?? 0,
                    headerList,
                    UnsafeMutableRawPointer(bitPattern: id)
                )
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR, let headerList { rd_kafka_headers_destroy(headerList) }
        return err
    }

    /// Waits until every message sent so far is delivered or failed, up to `timeout`. Runs off the cooperative pool.
    /// - Throws: ``KafkaError`` of kind `.timedOut` if messages are still in flight, or `.closed`.
    public func flush(timeout: Duration) async throws(KafkaError) {
        let client = self.client
        let result: Result<Void, KafkaError> = await Self.onNewThread(name: "kafka-producer-flush") {
            do throws(KafkaError) {
                try client.gate.withHandle("flush") { () throws(KafkaError) in
                    let err = rd_kafka_flush(client.handle.pointer, Int32(timeout.wholeMilliseconds))
                    if err == RD_KAFKA_RESP_ERR__TIMED_OUT {
                        throw KafkaError(
                            kind: .timedOut,
                            message: "flush: \(rd_kafka_outq_len(client.handle.pointer)) messages still in flight"
                        )
                    } else if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                        throw KafkaError.librdkafka(err)
                    }
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Flushes (bounded by `flushTimeout`), then purges what is still queued or in flight, stops the delivery thread
    /// and frees the client: the whole close stays within `flushTimeout` plus about a second, whether or not the
    /// brokers answer. Messages not delivered by then fail (purged, or `.closed`). Safe to call more than once.
    public func close(flushTimeout: Duration = .seconds(10)) async {
        if flushTimeout > .zero { try? await flush(timeout: flushTimeout) }
        state.stopRequested.store(true, ordering: .releasing)
        await state.waitUntilClosed()
    }

    /// Runs blocking work on a new thread and returns its result.
    private static func onNewThread<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (waiter: CheckedContinuation<T, Never>) in
            let thread = Thread { waiter.resume(returning: body()) }
            thread.name = name
            thread.start()
        }
    }
}

extension Optional where Wrapped == [UInt8] {
    /// Calls `body` with the bytes' base address (`nil` for `nil` or empty arrays).
    fileprivate func withOptionalBytes<R>(_ body: (UnsafeRawPointer?) -> R) -> R {
        guard let array = self else { return body(nil) }
        return array.withUnsafeBytes { body($0.baseAddress) }
    }
}
