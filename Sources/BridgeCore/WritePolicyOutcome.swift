/// The bulk route a batch goes through, as the write policy sees it (the Kuzzle client has its own type; the writer
/// maps one onto the other).
public enum WriteRoute: Sendable, Hashable, CustomStringConvertible {
    /// bulk:mWrite: create-or-replace only.
    case mWrite
    /// bulk:import: index, create, update, delete lines.
    case importBulk
    /// The document controller (`writer.route: document`): writes through document:mCreateOrReplace, creates through
    /// document:mCreate, updates through document:mUpdate, deletes through document:mDelete; one action per request.
    case document

    /// `bulk:mWrite`, `bulk:import` or `document:m*`.
    public var description: String {
        switch self {
        case .mWrite: "bulk:mWrite"
        case .importBulk: "bulk:import"
        case .document: "document:m*"
        }
    }
}

/// What Kuzzle said about one document of a bulk request that was answered per document.
public enum WriteItemOutcome: Sendable, Hashable {
    /// Acknowledged.
    case written
    /// Listed among the failures (or refused by the client before sending).
    case failed(WriteItemFailure)
}

/// One document's failure in a bulk answer (kuzzle-api.md §4.1, §4.2, §4.4).
public struct WriteItemFailure: Sendable, Hashable {
    /// The per-document status (0 when Kuzzle gave none).
    public var status: Int
    /// Elasticsearch's error type (bulk:import items), e.g. `version_conflict_engine_exception`; `nil` when absent.
    public var errorType: String?
    /// The reason, for the log and the dead-letter headers.
    public var reason: String
    /// Whether the line carried an external version (the fence): a 409 then means "a newer version is stored".
    public var fenced: Bool
    /// Whether the client refused the document without sending it (empty or over-long id, missing body).
    public var notSent: Bool

    /// Creates a failure.
    public init(status: Int, errorType: String? = nil, reason: String, fenced: Bool = false, notSent: Bool = false) {
        self.status = status
        self.errorType = errorType
        self.reason = reason
        self.fenced = fenced
        self.notSent = notSent
    }
}

/// A request that failed as a whole: no per-document information, nothing (or an unknown part) written.
public enum WriteRequestFailure: Sendable, Hashable {
    /// An HTTP answer without per-document results. `errorID` is Kuzzle's error id (envelope or bare error), `nil`
    /// when the answer was not a Kuzzle error (a proxy's page, an unreadable body).
    case answered(status: Int, errorID: String?, message: String)
    /// The connection was reset or closed (EOF) before an answer, with a body of `sentBytes` bytes sent or being sent.
    case connectionDropped(sentBytes: Int, message: String)
    /// No answer in time (request deadline, read or write timeout).
    case timedOut(message: String)
    /// Kuzzle could not be reached (connection refused, DNS, connect timeout…).
    case unreachable(message: String)
    /// The client refused to send a body of `bytes` bytes: above its request size limit.
    case tooLargeToSend(bytes: Int, message: String)
    /// Sending cannot work as configured (TLS trust failure, invalid URL, an answer above the response limit).
    case unusable(message: String)

    /// Whether the failure says Kuzzle is overloaded (429, 503, 504, a timeout): fewer requests at once would help.
    public var isOverload: Bool {
        switch self {
        case .answered(let status, _, _): status == 429 || status == 503 || status == 504
        case .timedOut: true
        default: false
        }
    }

    /// One line for logs and dead-letter reasons.
    public var summary: String {
        switch self {
        case .answered(let status, let errorID?, let message): "HTTP \(status) \(errorID): \(message)"
        case .answered(let status, nil, let message): "HTTP \(status) (not a Kuzzle error): \(message)"
        case .connectionDropped(_, let message): message
        case .timedOut(let message): "timeout: \(message)"
        case .unreachable(let message): "unreachable: \(message)"
        case .tooLargeToSend(let bytes, let message): "request of \(bytes) bytes too large to send: \(message)"
        case .unusable(let message): message
        }
    }
}

/// What one attempt (one request) came to.
public enum WriteAttemptOutcome: Sendable, Hashable {
    /// Kuzzle answered per document: one outcome per position of the attempt, in the attempt's order.
    case answered([WriteItemOutcome])
    /// The request failed as a whole.
    case failed(WriteRequestFailure)
}

/// Why documents are refused for good (dead-lettered, or halting their partition without a dead-letter topic).
public struct WriteRefusal: Sendable, Hashable {
    /// The HTTP or per-document status, when there was one.
    public var status: Int?
    /// Kuzzle's error id (or Elasticsearch's error type for an item), when there was one.
    public var errorID: String?
    /// A one-line reason.
    public var reason: String

    /// Creates a refusal.
    public init(status: Int?, errorID: String?, reason: String) {
        self.status = status
        self.errorID = errorID
        self.reason = reason
    }
}
