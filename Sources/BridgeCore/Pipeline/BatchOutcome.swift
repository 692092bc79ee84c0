/// What became of one sent batch, as its writer reports it to ``PipelineCore``.
public struct BatchOutcome: Sendable {
    /// An event Kuzzle refused for good.
    public struct Refusal: Sendable {
        /// The refused event (an operation of the batch, or a version it superseded).
        public var event: DocumentEvent
        /// The HTTP or per-document status, when Kuzzle gave one.
        public var status: Int?
        /// Kuzzle's error id, when it gave one.
        public var errorID: String?
        /// A one-line reason.
        public var reason: String

        /// Creates a refusal.
        public init(event: DocumentEvent, status: Int?, errorID: String?, reason: String) {
            self.event = event
            self.status = status
            self.errorID = errorID
            self.reason = reason
        }
    }

    /// The batch's identity.
    public var batchID: DocumentBatch.ID
    /// Events refused for good: dead-lettered, or their partitions halt when ``haltReason`` is set.
    public var refusals: [Refusal]
    /// Set when the target itself is unusable and the configuration says to halt (no dead-letter topic, 403…):
    /// the refused events halt their partitions whatever the dead-letter configuration.
    public var haltReason: String?
    /// Positions of the batch Kuzzle acknowledged (written, or already in the intended state).
    public var writtenPositions: [Int]
    /// The sources Kuzzle acknowledged, superseded writes included (what a cancelled batch may complete).
    public var writtenSources: [EventSource]
    /// Positions not settled: the writer was cancelled, or gave up because the lease no longer allowed sending.
    public var unfinishedPositions: [Int]
    /// Whether the writer stopped because ``SendLease/permits(_:now:lastPoll:)`` refused a request: nothing more
    /// was sent. The core re-queues what it still owns.
    public var abandoned: Bool
    /// Requests sent, attempts retried, overload answers, for the counters.
    public var requests: Int
    /// Attempts that failed transiently and were retried.
    public var retries: Int
    /// Requests answered with an overload signal.
    public var overloads: Int
    /// Fenced lines answered 409 (a newer version is stored): done, among ``writtenPositions`` (`fenced_stale`).
    public var fencedStale: Int

    /// Creates an outcome.
    public init(
        batchID: DocumentBatch.ID,
        refusals: [Refusal] = [],
        haltReason: String? = nil,
        writtenPositions: [Int] = [],
        writtenSources: [EventSource]? = nil,
        unfinishedPositions: [Int] = [],
        abandoned: Bool = false,
        requests: Int = 1,
        retries: Int = 0,
        overloads: Int = 0,
        fencedStale: Int = 0
    ) {
        self.batchID = batchID
        self.refusals = refusals
        self.haltReason = haltReason
        self.writtenPositions = writtenPositions
        self.writtenSources = writtenSources ?? []
        self.unfinishedPositions = unfinishedPositions
        self.abandoned = abandoned
        self.requests = requests
        self.retries = retries
        self.overloads = overloads
        self.fencedStale = fencedStale
    }

    /// Whether every operation was settled (written, refused or halted).
    public var isFinished: Bool { unfinishedPositions.isEmpty }
}
