import BridgeCore
import RdKafka

/// An event on its way to the dead-letter topic: the original key, value and headers, plus headers naming the error.
///
/// Header names share the `kuzzle-bridge-` prefix, which `replay-dead-letters` strips before re-injecting an event.
struct DeadLetter: Sendable {
    /// The prefix of every header the bridge adds.
    static let headerPrefix = "kuzzle-bridge-"

    /// Header names, one place.
    enum Header {
        static let errorKind = "kuzzle-bridge-error"
        static let reason = "kuzzle-bridge-reason"
        static let status = "kuzzle-bridge-status"
        static let errorID = "kuzzle-bridge-error-id"
        static let sourceTopic = "kuzzle-bridge-source-topic"
        static let sourcePartition = "kuzzle-bridge-source-partition"
        static let sourceOffset = "kuzzle-bridge-source-offset"
        static let index = "kuzzle-bridge-index"
        static let collection = "kuzzle-bridge-collection"
        static let documentID = "kuzzle-bridge-id"
    }

    /// Where the event came from (its completion is reported against it).
    var source: EventSource
    /// The original message key.
    var key: [UInt8]?
    /// The original message value.
    var value: [UInt8]?
    /// The original headers followed by the bridge's error headers.
    var headers: [KafkaHeader]
    /// The one-line reason, for logs.
    var reason: String

    /// The dead letter the core asked for.
    init(_ request: DeadLetterRequest) {
        self.init(
            record: request.record,
            target: request.target,
            documentID: request.documentID,
            kind: request.kind,
            reason: request.reason,
            status: request.status,
            errorID: request.errorID
        )
    }

    /// A dead letter for a record the router could not turn into a document operation.
    init(record: SourceRecord, error: EventDecodingError) {
        self.init(record: record, event: nil, kind: "decoding:\(error.kind.rawValue)", reason: error.description)
    }

    /// A dead letter for a document Kuzzle refused for good.
    init(event: DocumentEvent, record: SourceRecord, rejection: BatchWriteReport.Rejection) {
        self.init(
            record: record,
            event: event,
            kind: "kuzzle:rejected",
            reason: rejection.reason,
            status: rejection.status,
            errorID: rejection.errorID
        )
    }

    /// A dead letter with the error headers spelled out.
    /// - Parameters:
    ///   - record: The original record (key, value, headers, source).
    ///   - event: The document operation it became, when routing succeeded (names the target and `_id`).
    ///   - kind: A short machine-readable error kind (`decoding:malformed-json`, `kuzzle:rejected`, …).
    ///   - reason: A one-line human-readable reason.
    ///   - status: The HTTP or per-document status, when Kuzzle gave one.
    ///   - errorID: Kuzzle's error id, when it gave one.
    init(
        record: SourceRecord,
        event: DocumentEvent?,
        kind: String,
        reason: String,
        status: Int? = nil,
        errorID: String? = nil
    ) {
        self.init(
            record: record,
            target: event?.target,
            documentID: event?.id,
            kind: kind,
            reason: reason,
            status: status,
            errorID: errorID
        )
    }

    /// A dead letter with the error headers spelled out, naming the target and id when known.
    init(
        record: SourceRecord,
        target: DocumentTarget?,
        documentID: String?,
        kind: String,
        reason: String,
        status: Int?,
        errorID: String?
    ) {
        source = record.source
        key = record.key
        value = record.value
        self.reason = reason
        var headers = record.headers.map { KafkaHeader(name: $0.name, value: $0.value) }
        func add(_ name: String, _ text: String?) {
            if let text { headers.append(KafkaHeader(name: name, value: Array(text.utf8))) }
        }
        add(Header.errorKind, kind)
        add(Header.reason, reason)
        add(Header.status, status.map { String($0) })
        add(Header.errorID, errorID)
        add(Header.sourceTopic, record.topic)
        add(Header.sourcePartition, String(record.partition))
        add(Header.sourceOffset, String(record.offset))
        add(Header.index, target?.index)
        add(Header.collection, target?.collection)
        add(Header.documentID, documentID)
        self.headers = headers
    }
}
