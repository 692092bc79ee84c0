import TestSupport

@testable import BridgeCore

/// The seeded generator of the randomized suites (the shared ``SeededGenerator``, SplitMix64).
typealias SplitMix64 = SeededGenerator

/// Builders shared by the suites.
enum Fixture {
    static let topic = "orders"

    static func record(
        _ value: String?,
        key: String? = nil,
        headers: [(String, String?)] = [],
        offset: Int64 = 7
    ) -> SourceRecord {
        SourceRecord(
            topic: topic,
            partition: 3,
            offset: offset,
            key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) },
            headers: headers.map { SourceRecord.Header(name: $0.0, value: $0.1.map { Array($0.utf8) }) }
        )
    }

    static func event(
        _ id: String,
        _ action: DocumentAction = .write,
        target: DocumentTarget = DocumentTarget(index: "shop", collection: "orders"),
        partition: Int32 = 0,
        offset: Int64,
        epoch: AssignmentEpoch = .none
    ) -> DocumentEvent {
        let body: ArraySlice<UInt8>? = action == .delete ? nil : ArraySlice(#"{"n":\#(offset)}"#.utf8)
        return DocumentEvent(
            source: EventSource(topic: topic, partition: partition, offset: offset, epoch: epoch),
            target: target,
            id: id,
            action: action,
            body: body
        )
    }

    static let envelopeRouting = TopicRouting()
    static let defaultedRouting = TopicRouting(defaultIndex: "shop", defaultCollection: "orders")
    static let rawRouting = TopicRouting(format: .raw, defaultIndex: "shop", defaultCollection: "orders")
}

extension DocumentEvent {
    /// The body as text, for assertions.
    var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }
}
