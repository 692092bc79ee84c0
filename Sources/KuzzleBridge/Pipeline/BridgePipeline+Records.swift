import BridgeCore
import Foundation
import Kuzzle
import Logging
import RdKafka

extension BridgePipeline {
    /// Takes one record: checks it in with the tracker, routes it by a cheap scan, and adds it to its batch.
    /// A record that cannot become a document operation goes to the dead-letter topic (or halts its partition).
    /// - Parameter wallClockMilliseconds: The wall clock (Unix ms) when the record's event came in, to tell its age
    ///   from its Kafka timestamp (a batch is due `batching.max_wait` after its oldest event was produced).
    func intake(
        _ record: consuming KafkaRecord,
        now: ContinuousClock.Instant,
        wallClockMilliseconds: Int64,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) {
        let partition = TopicPartition(topic: record.topic, partition: record.partition)
        let bytes = (record.value?.count ?? 0) + (record.key?.count ?? 0) + Self.recordOverheadBytes
        guard case .accepted(let epoch, let actions) = tracker.received(partition, offset: record.offset, bytes: bytes)
        else { return }
        perform(actions, group: &group)
        statistics.consumed += 1
        let age = record.timestamp.map { Duration.milliseconds(wallClockMilliseconds - $0) } ?? .zero
        if record.topic != lastRouting.topic {
            lastRouting = (record.topic, configuration.routing(forTopic: record.topic))
        }
        let routing = lastRouting.routing
        // The record is moved along (Kafka record, source record, event, batch): its arrays are never copied, and
        // never retained more than the event's body slice needs.
        let event: DocumentEvent
        do {
            event = try router.route(taking: SourceRecord(taking: record, epoch: epoch), routing: routing)
        } catch {
            let source = error.record
            logger.warning(
                "Event cannot be routed",
                metadata: [
                    LogKeys.kafkaTopic: "\(source.topic)", LogKeys.kafkaPartition: "\(source.partition)",
                    LogKeys.kafkaOffset: "\(source.offset)", LogKeys.error: "\(error.error)",
                ]
            )
            deadLetterOrHalt(DeadLetter(record: source, error: error.error), group: &group)
            return
        }
        let size = Self.encodedSize(of: event)
        if size + requestOverhead > configuration.kuzzle.maximumRequestSize {
            let reason =
                "document of \(size) bytes is larger than kuzzle.max_request_size (\(configuration.kuzzle.maximumRequestSize))"
            deadLetterOrHalt(
                DeadLetter(record: event.originalRecord, event: event, kind: "document:too-large", reason: reason),
                group: &group
            )
            return
        }
        for action in accumulator.append(consume event, encodedSize: size, now: now, age: age) {
            enqueue(action, group: &group)
        }
    }

    /// The wall clock in milliseconds since the Unix epoch (Kafka timestamps use it).
    static func wallClockMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// Memory a record holds besides its key and value, for the byte budget: the event, its record copy, its place
    /// in the batch arrays and id map and in the tracker (measured around 0.5 to 1 KiB).
    static let recordOverheadBytes = 512

    /// The bytes an event adds to a request body: the larger of its bulk:mWrite and bulk:import encodings, since the
    /// batch's route is known only when it is sealed.
    static func encodedSize(of event: borrowing DocumentEvent) -> Int {
        KuzzleRequestBody.largestEncodedSize(
            id: event.id,
            action: BatchWriter.bulkAction(for: event.action),
            bodyBytes: event.body?.count
        )
    }

    /// Hands a sealed batch to the scheduler and sends what it releases.
    func enqueue(_ action: BatchAccumulator.Action, group: inout ThrowingDiscardingTaskGroup<any Error>) {
        switch action {
        case .seal(let batch, let reason):
            logger.trace(
                "Batch sealed",
                metadata: [
                    LogKeys.kuzzleIndex: "\(batch.target.index)",
                    LogKeys.kuzzleCollection: "\(batch.target.collection)",
                    LogKeys.batchDocuments: "\(batch.documentCount)", LogKeys.batchBytes: "\(batch.encodedBytes)",
                    LogKeys.batchReason: "\(reason.rawValue)",
                ]
            )
            launch(scheduler.enqueue(batch), group: &group)
        }
    }

    /// Starts a writer task for each batch the scheduler releases.
    func launch(_ actions: [WriteScheduler.Action], group: inout ThrowingDiscardingTaskGroup<any Error>) {
        for action in actions {
            switch action {
            case .send(let batch):
                statistics.inFlightDocuments += batch.documentCount
                let writer = self.writer
                let continuation = inboxContinuation
                group.addTask {
                    let report = await writer.write(batch)
                    continuation.yield(.written(report))
                }
            }
        }
    }
}

extension SourceRecord {
    /// The core's view of a Kafka record, which it takes over (its key and value arrays are moved, not copied).
    init(taking record: consuming KafkaRecord, epoch: AssignmentEpoch) {
        // Swapped out of the consumed record: reading them would retain each, to release them with the record.
        var topic = ""
        var key: [UInt8]?
        var value: [UInt8]?
        swap(&topic, &record.topic)
        swap(&key, &record.key)
        swap(&value, &record.value)
        self.init(
            topic: topic,
            partition: record.partition,
            offset: record.offset,
            key: key,
            value: value,
            headers: record.headers.isEmpty ? [] : record.headers.map { Header(name: $0.name, value: $0.value) },
            epoch: epoch
        )
    }
}
