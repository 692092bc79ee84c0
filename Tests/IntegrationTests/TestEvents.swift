import TestSupport

/// A scalar field value of a test document (the generator only writes integers and plain strings).
enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case string(String)

    var json: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }

    var description: String { json }
}

/// A document's address in Kuzzle.
struct DocumentKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    var index: String
    var collection: String
    var id: String

    static func < (lhs: DocumentKey, rhs: DocumentKey) -> Bool {
        (lhs.index, lhs.collection, lhs.id) < (rhs.index, rhs.collection, rhs.id)
    }

    var description: String { "\(index)/\(collection)/\(id)" }
}

/// The top-level fields of a document body.
typealias DocumentBody = [String: FieldValue]

/// One document event in the envelope format, with the Kafka key (the document id) and value it is produced as.
struct TestEvent: Sendable {
    enum Action: String, Sendable {
        case write, update, delete
    }

    var document: DocumentKey
    var action: Action
    /// The full body (write) or the partial one (update); `nil` for delete.
    var body: DocumentBody?

    /// The Kafka key: the document id, so that one id always lands in one partition.
    var key: [UInt8] { Array(document.id.utf8) }

    /// The envelope JSON.
    var value: [UInt8] {
        var text = "{\"index\":\"\(document.index)\",\"collection\":\"\(document.collection)\","
        text += "\"_id\":\"\(document.id)\",\"action\":\"\(action.rawValue)\""
        if let body {
            let fields = body.keys.sorted().map { "\"\($0)\":\(body[$0]?.json ?? "null")" }
            text += ",\"body\":{\(fields.joined(separator: ","))}"
        }
        return Array((text + "}").utf8)
    }
}

/// What Kuzzle must hold after a sequence of events: the last write per id wins, an update merges its top-level
/// fields into the document, a delete removes it.
struct ExpectedState: Sendable {
    private(set) var documents: [DocumentKey: DocumentBody] = [:]

    /// Applies one event, as Kuzzle would.
    mutating func apply(_ event: TestEvent) {
        documents[event.document] = Self.applying(event, to: documents[event.document])
    }

    /// One document's body after `event` (`nil`: absent).
    static func applying(_ event: TestEvent, to body: DocumentBody?) -> DocumentBody? {
        switch event.action {
        case .write:
            return event.body ?? [:]
        case .update:
            guard var current = body else { return nil }
            current.merge(event.body ?? [:]) { _, new in new }
            return current
        case .delete:
            return nil
        }
    }

    /// Whether the document exists now.
    func contains(_ document: DocumentKey) -> Bool { documents[document] != nil }
}

/// A deterministic stream of writes, partial updates and deletes over a few collections of one index.
///
/// Updates and deletes only target ids that exist in the model at that point, so that in a single ordered run
/// Kuzzle never answers 404. Ids are unique across collections (`<collection>-<n>`).
struct TestEventGenerator {
    let index: String
    let collections: [String]
    let idsPerCollection: Int
    private var random: SeededGenerator
    private var sequence = 0
    /// The state after every event generated so far.
    private(set) var model = ExpectedState()

    init(seed: UInt64, index: String, collections: [String], idsPerCollection: Int) {
        self.index = index
        self.collections = collections
        self.idsPerCollection = idsPerCollection
        random = SeededGenerator(seed: seed)
    }

    /// The next event (applied to ``model``).
    mutating func next() -> TestEvent {
        sequence += 1
        let collection = collections[Int.random(in: 0..<collections.count, using: &random)]
        let document = DocumentKey(
            index: index,
            collection: collection,
            id: "\(collection)-\(Int.random(in: 0..<idsPerCollection, using: &random))"
        )
        let roll = Int.random(in: 0..<100, using: &random)
        let event: TestEvent
        if roll < 25, model.contains(document) {
            event = TestEvent(
                document: document,
                action: .update,
                body: ["qty": .int(Int.random(in: 0..<1000, using: &random)), "status": .string("s\(sequence % 7)")]
            )
        } else if roll < 37, model.contains(document) {
            event = TestEvent(document: document, action: .delete, body: nil)
        } else {
            event = TestEvent(
                document: document,
                action: .write,
                body: [
                    "seq": .int(sequence), "name": .string("item\(Int.random(in: 0..<100_000, using: &random))"),
                    "qty": .int(Int.random(in: 0..<1000, using: &random)),
                    "note": .string("abcdefghijklmnopqrstuvwxyz"),
                ]
            )
        }
        model.apply(event)
        return event
    }

    /// The next `count` events.
    mutating func next(_ count: Int) -> [TestEvent] {
        (0..<count).map { _ in next() }
    }
}

/// An event the bridge must not write: undecodable, or refused by Kuzzle for good.
struct PoisonEvent: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case invalidJSON, bodyNotAnObject, invalidIndexName, rejectedByKuzzle
    }

    /// The field and value the stand-in is told to refuse (per-document 400) for ``Kind/rejectedByKuzzle``.
    static let rejectedField = "poison"
    static let rejectedValue = "reject-me"

    var kind: Kind
    var key: [UInt8]
    var value: [UInt8]

    /// A poison event of `kind` for document `id` of `index`/`collection` (the id is never written).
    init(kind: Kind, index: String, collection: String, id: String) {
        self.kind = kind
        key = Array(id.utf8)
        let target = "\"index\":\"\(index)\",\"collection\":\"\(collection)\",\"_id\":\"\(id)\""
        let text: String
        switch kind {
        case .invalidJSON:
            text = "{\(target),\"action\":\"write\",\"body\":{\"qty\":1"
        case .bodyNotAnObject:
            text = "{\(target),\"action\":\"write\",\"body\":[1,2,3]}"
        case .invalidIndexName:
            text =
                "{\"index\":\"Bad Index\",\"collection\":\"\(collection)\",\"_id\":\"\(id)\",\"action\":\"write\",\"body\":{\"qty\":1}}"
        case .rejectedByKuzzle:
            text =
                "{\(target),\"action\":\"write\",\"body\":{\"qty\":2,\"\(Self.rejectedField)\":\"\(Self.rejectedValue)\"}}"
        }
        value = Array(text.utf8)
    }
}

extension TestEvent {
    var message: OutgoingMessage { OutgoingMessage(key: key, value: value) }
}

extension PoisonEvent {
    var message: OutgoingMessage { OutgoingMessage(key: key, value: value) }
}
