import Testing

@testable import BridgeCore

/// Drives a ``PipelineCore`` like the daemon's shell does, without I/O: it performs the actions on a model of Kafka
/// and Kuzzle (batches in flight, dead letters, commits, pauses) and lets a test answer each write and dead letter.
struct CoreHarness {
    static let topic = "orders"
    static let target = DocumentTarget(index: "shop", collection: "orders")

    var core: PipelineCore
    var now: ContinuousClock.Instant
    /// Batches sent and not yet answered, by identity.
    var inFlight: [DocumentBatch.ID: DocumentBatch] = [:]
    /// Every batch sent, in order.
    var sent: [DocumentBatch] = []
    /// Dead letters asked for and not yet answered.
    var deadLetters: [UInt64: DeadLetterRequest] = [:]
    /// Every dead-letter attempt, in order.
    var deadLetterAttempts: [DeadLetterRequest] = []
    /// The next offset the group last stored per partition (asynchronous, revocation and final commits).
    var committed: [TopicPartition: Int64] = [:]
    var revocationCommits: [RevocationTicket: [TopicPartition: Int64]] = [:]
    var finalCommit: [TopicPartition: Int64]?
    var finished = false
    var paused: Set<TopicPartition> = []
    var halted: [TopicPartition: String] = [:]
    var notices: [PipelineNotice] = []
    var lease: SendLease
    /// The next offset to produce per partition.
    var nextOffset: [Int32: Int64] = [:]

    init(
        maximumDocuments: Int = 2,
        concurrency: Int = 4,
        hasDeadLetterTopic: Bool = true,
        drainTimeout: Duration = .seconds(10),
        budget: Int = 1_000_000
    ) {
        now = ContinuousClock.now
        let parameters = PipelineCore.Parameters(
            batching: BatchLimits(maximumDocuments: maximumDocuments, maximumBytes: 100_000, maximumWait: .seconds(1)),
            requestOverhead: 20,
            maximumRequestSize: 10_000,
            flowControl: FlowControl(highWatermark: budget),
            concurrency: .fixed(concurrency),
            drainTimeout: drainTimeout,
            hasDeadLetterTopic: hasDeadLetterTopic,
            deadLetterRetry: RetrySchedule(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), jitter: 0),
            deadLetterHaltAfter: .seconds(60),
            leaseGap: .seconds(10),
            leaseRecovery: .seconds(6),
            statisticsInterval: .zero
        )
        core = PipelineCore(parameters: parameters, now: now, seed: 1) { event in
            (event.body?.count ?? 4) + event.id.utf8.count + 30
        }
        lease = core.lease
    }

    static func partition(_ number: Int32) -> TopicPartition { TopicPartition(topic: topic, partition: number) }

    // MARK: - Inputs

    mutating func assign(_ partitions: Int32...) {
        var actions: [PipelineAction] = []
        core.assigned(partitions.map(Self.partition), now: now, into: &actions)
        apply(actions)
    }

    @discardableResult
    mutating func revoke(_ partitions: Int32...) -> RevocationTicket {
        var actions: [PipelineAction] = []
        let ticket = core.revoked(partitions.map(Self.partition), now: now, into: &actions)
        apply(actions)
        return ticket
    }

    mutating func lose(_ partitions: Int32...) {
        var actions: [PipelineAction] = []
        core.lost(partitions.map(Self.partition), now: now, into: &actions)
        apply(actions)
    }

    /// Produces and delivers one event; returns its offset.
    @discardableResult
    mutating func receive(
        _ id: String,
        _ action: String = "write",
        partition: Int32 = 0,
        value: String? = nil
    ) -> Int64 {
        let offset = nextOffset[partition, default: 0]
        nextOffset[partition] = offset + 1
        let body = action == "delete" ? "" : #","body":{"n":\#(offset)}"#
        let text =
            value ?? #"{"index":"shop","collection":"orders","_id":"\#(id)","action":"\#(action)"\#(body)}"#
        let record = SourceRecord(topic: Self.topic, partition: partition, offset: offset, value: Array(text.utf8))
        var actions: [PipelineAction] = []
        core.receive(record, bytes: 100, routing: TopicRouting(), now: now, age: .zero, into: &actions)
        core.settle(now: now, into: &actions)
        apply(actions)
        return offset
    }

    mutating func tick(after duration: Duration = .milliseconds(100), lastPoll: ContinuousClock.Instant? = nil) {
        now += duration
        var actions: [PipelineAction] = []
        core.tick(now: now, lastPoll: lastPoll ?? now, into: &actions)
        apply(actions)
    }

    mutating func stop(immediate: Bool = false) {
        var actions: [PipelineAction] = []
        core.stop(immediate: immediate, now: now, into: &actions)
        apply(actions)
    }

    /// Answers an in-flight batch: every position written except `refused` (refused for good, with a 400).
    mutating func answer(_ id: DocumentBatch.ID, refusing refused: Set<Int> = [], retries: Int = 0) {
        guard let batch = inFlight.removeValue(forKey: id) else {
            Issue.record("\(id) is not in flight")
            return
        }
        let outcome = BatchOutcome(
            batchID: id,
            refusals: refused.sorted().map {
                BatchOutcome.Refusal(event: batch.operations[$0], status: 400, errorID: nil, reason: "mapping")
            },
            writtenPositions: batch.operations.indices.filter { !refused.contains($0) },
            retries: retries
        )
        var actions: [PipelineAction] = []
        core.retried(count: retries)
        core.written(outcome, now: now, into: &actions)
        core.settle(now: now, into: &actions)
        apply(actions)
    }

    /// Reports an in-flight batch abandoned by its writer (the lease refused a request): nothing written.
    mutating func abandon(_ id: DocumentBatch.ID) {
        guard let batch = inFlight.removeValue(forKey: id) else {
            Issue.record("\(id) is not in flight")
            return
        }
        var actions: [PipelineAction] = []
        core.written(
            BatchOutcome(batchID: id, unfinishedPositions: Array(batch.operations.indices), abandoned: true),
            now: now,
            into: &actions
        )
        core.settle(now: now, into: &actions)
        apply(actions)
    }

    mutating func deadLetterResult(_ ticket: UInt64, delivered: Bool) {
        guard deadLetters.removeValue(forKey: ticket) != nil else {
            Issue.record("dead letter \(ticket) is not in flight")
            return
        }
        var actions: [PipelineAction] = []
        if delivered {
            core.deadLetterDelivered(ticket, now: now, into: &actions)
        } else {
            core.deadLetterFailed(ticket, reason: "broker down", now: now, into: &actions)
        }
        core.settle(now: now, into: &actions)
        apply(actions)
    }

    // MARK: - Performing actions

    mutating func apply(_ actions: [PipelineAction]) {
        for action in actions {
            #expect(!finished, "an action after .finish: \(action)")
            switch action {
            case .send(let batch):
                #expect(inFlight[batch.id] == nil, "\(batch.id) sent twice")
                for other in inFlight.values where other.target == batch.target {
                    let shared = Set(other.operations.map(\.id)).intersection(batch.operations.map(\.id))
                    #expect(shared.isEmpty, "\(batch.id) sent while \(other.id), in flight, shares \(shared)")
                }
                inFlight[batch.id] = batch
                sent.append(batch)
            case .deadLetter(let request):
                deadLetters[request.ticket] = request
                deadLetterAttempts.append(request)
            case .pause(let partitions):
                paused.formUnion(partitions)
            case .resume(let partitions):
                paused.subtract(partitions)
            case .halt(let partition, _, let reason):
                halted[partition] = reason
            case .commit(let offsets):
                committed.merge(offsets) { max($0, $1) }
            case .finishRevocation(let ticket, let commits, _):
                #expect(revocationCommits[ticket] == nil, "\(ticket) finished twice")
                revocationCommits[ticket] = commits
                committed.merge(commits) { max($0, $1) }
            case .commitFinal(let offsets):
                finalCommit = offsets
                committed.merge(offsets) { max($0, $1) }
            case .finish:
                finished = true
            case .publishLease(let updated):
                lease = updated
            case .notice(let notice):
                notices.append(notice)
            }
        }
    }

    /// The in-flight batches, oldest first.
    var inFlightBatches: [DocumentBatch] { inFlight.values.sorted { $0.id < $1.id } }
}
