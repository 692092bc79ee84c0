import BridgeCore

/// What became of one batch sent to Kuzzle, as the ``BatchWriter`` reports it to the pipeline.
struct BatchWriteReport: Sendable {
    /// Why a document could not be written and will not be retried.
    struct Rejection: Sendable {
        /// The operation's position in the batch.
        var position: Int
        /// The HTTP (or per-document) status, when Kuzzle gave one.
        var status: Int?
        /// Kuzzle's error id, when it gave one.
        var errorID: String?
        /// A one-line reason for the log and the dead-letter headers.
        var reason: String
    }

    /// The batch.
    var batch: DocumentBatch
    /// Positions Kuzzle acknowledged (written, or already in the intended state).
    var writtenPositions: [Int] = []
    /// Documents refused for good: they go to the dead-letter topic, or halt their partition.
    var rejections: [Rejection] = []
    /// Documents whose target is unusable (403, 412 not created…): their partitions halt, whatever the dead-letter
    /// configuration, because the failure is the configuration's, not the event's.
    var haltReason: String?
    /// Positions still unsettled: the writer was cancelled (shutdown deadline) before they were written.
    var unfinishedPositions: [Int] = []
    /// Requests sent, for statistics.
    var requests = 0
    /// Attempts that failed transiently and were retried.
    var retries = 0
    /// Latency of each successful request, for statistics.
    var latencies: [Duration] = []
    /// Requests whose answer signalled overload (429, 503, 504, a timeout, or a per-document 429 or 503), counted
    /// once per request. Each was also reported to the adaptive limit as it happened (``BatchWriter/observeRequest``).
    var overloads = 0

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
                    event: batch.operations[rejection.position],
                    status: rejection.status,
                    errorID: rejection.errorID,
                    reason: rejection.reason
                )
            },
            haltReason: haltReason,
            writtenPositions: writtenPositions,
            unfinishedPositions: unfinishedPositions,
            abandoned: false,
            requests: requests,
            retries: retries,
            overloads: overloads
        )
    }
}
