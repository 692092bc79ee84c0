import BridgeCore

/// What became of one batch sent to Kuzzle, as the ``BatchWriter`` reports it to the pipeline.
struct BatchWriteReport: Sendable {
    /// Why a document could not be written and will not be retried.
    struct Rejection: Sendable {
        /// The position of the operation in the batch the refused event was sent for.
        var position: Int
        /// The refused event. Usually `batch.operations[position]`; when a write that replaced earlier writes of its
        /// id (coalescing) was refused, the writer fell back to the earlier versions, and a refused earlier version is
        /// reported with this same position: use this event (not `batch.operations[position]`) to dead-letter or halt.
        var event: DocumentEvent
        /// The HTTP (or per-document) status, when Kuzzle gave one.
        var status: Int?
        /// Kuzzle's error id (or Elasticsearch's error type for a document), when there was one.
        var errorID: String?
        /// A one-line reason for the log and the dead-letter headers.
        var reason: String
    }

    /// The batch.
    var batch: DocumentBatch
    /// Positions Kuzzle acknowledged (written, or already in the intended state), with the operation's event or,
    /// after a refusal, an earlier version it replaced.
    var writtenPositions: [Int] = []
    /// Documents refused for good: they go to the dead-letter topic, or halt their partition.
    var rejections: [Rejection] = []
    /// Documents whose target is unusable (403, 412 not created without a dead-letter topic…): their partitions halt,
    /// whatever the dead-letter configuration, because the failure is the configuration's, not the event's.
    var haltReason: String?
    /// Positions still unsettled: the writer was cancelled (shutdown deadline) or abandoned the batch
    /// (``abandoned``) before they were written.
    var unfinishedPositions: [Int] = []
    /// The member may no longer own these partitions; nothing more was sent: ``BatchWriter/mayStillSend`` said no
    /// before a request (first or retry). The unwritten positions are in ``unfinishedPositions``.
    var abandoned = false
    /// The sources of the events Kuzzle holds, each with the earlier versions it replaced in the batch: what a write
    /// that did not finish may complete.
    var writtenSources: [EventSource] = []
    /// Requests sent, for statistics.
    var requests = 0
    /// Attempts that failed transiently and were retried.
    var retries = 0
    /// Latency of each successful request, for statistics.
    var latencies: [Duration] = []
    /// Requests whose answer signalled overload (429, 503, 504, a timeout, or a per-document 429 or 503), counted
    /// once per request. Each was also reported to the adaptive limit as it happened (``BatchWriter/observeRequest``).
    var overloads = 0
    /// Fenced lines Kuzzle answered 409 (a newer or equal version is stored): done, not written (`fenced_stale`,
    /// fence.md §2 rule 2).
    var fencedStale = 0

    /// Whether every operation was settled (written, rejected or halted).
    var isFinished: Bool { unfinishedPositions.isEmpty }
}

extension BatchWriteReport {
    /// The core's view of the report.
    var outcome: BatchOutcome {
        BatchOutcome(
            batchID: batch.id,
            refusals: rejections.map { rejection in
                BatchOutcome.Refusal(
                    event: rejection.event,
                    status: rejection.status,
                    errorID: rejection.errorID,
                    reason: rejection.reason
                )
            },
            haltReason: haltReason,
            writtenPositions: writtenPositions,
            writtenSources: writtenSources,
            unfinishedPositions: unfinishedPositions,
            abandoned: abandoned,
            requests: requests,
            retries: retries,
            overloads: overloads,
            fencedStale: fencedStale
        )
    }
}
