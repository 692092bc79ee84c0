import BridgeCore
import Testing

@Suite struct EventRouterTests {
    let router = EventRouter()

    /// One routing case that must succeed.
    struct Success: Sendable, CustomStringConvertible {
        var name: String
        var value: String?
        var key: String? = nil
        var headers: [Header] = []
        var routing: TopicRouting = Fixture.envelopeRouting
        var index: String = "shop"
        var collection: String = "orders"
        var id: String
        var action: DocumentAction
        var body: String?
        var description: String { name }

        struct Header: Sendable {
            var name: String
            var value: String?
        }
    }

    static let successes: [Success] = [
        Success(
            name: "full envelope",
            value: #"{"index":"shop","collection":"orders","_id":"o1","action":"create","body":{"qty":3}}"#,
            id: "o1",
            action: .create,
            body: #"{"qty":3}"#
        ),
        Success(
            name: "action defaults to write",
            value: #"{"index":"shop","collection":"orders","_id":"o1","body":{}}"#,
            id: "o1",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "target from the topic defaults",
            value: #"{"_id":"o1","body":{"a":1}}"#,
            routing: Fixture.defaultedRouting,
            id: "o1",
            action: .write,
            body: #"{"a":1}"#
        ),
        Success(
            name: "envelope members override the defaults",
            value: #"{"index":"other","_id":"o1","body":{"a":1}}"#,
            routing: Fixture.defaultedRouting,
            index: "other",
            id: "o1",
            action: .write,
            body: #"{"a":1}"#
        ),
        Success(
            name: "delete needs no body and ignores one",
            value: #"{"index":"shop","collection":"orders","_id":"o1","action":"delete","body":{"x":1}}"#,
            id: "o1",
            action: .delete,
            body: nil
        ),
        Success(
            name: "update keeps the partial body",
            value: #"{"index":"shop","collection":"orders","_id":"o1","action":"update","body":{"qty":4}}"#,
            id: "o1",
            action: .update,
            body: #"{"qty":4}"#
        ),
        Success(
            name: "nested body is passed through byte for byte",
            value: #" { "body" : {"a":[1,-2.5e+3,{"b":[true,false,null,"x\"y"]}],"c":{"d":{}}} , "_id":"n" } "#,
            routing: Fixture.defaultedRouting,
            id: "n",
            action: .write,
            body: #"{"a":[1,-2.5e+3,{"b":[true,false,null,"x\"y"]}],"c":{"d":{}}}"#
        ),
        Success(
            name: "unknown members are skipped",
            value: #"{"ts":[1,{"z":null}],"_id":"o1","meta":"x","body":{}}"#,
            routing: Fixture.defaultedRouting,
            id: "o1",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "null members count as absent",
            value: #"{"index":null,"_id":null,"action":null,"body":{}}"#,
            key: "k1",
            routing: Fixture.defaultedRouting,
            id: "k1",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "escapes in fields are decoded",
            value: #"{"_id":"a\"b\\c\/d\u00e9\ud83d\ude00\n","body":{}}"#,
            routing: Fixture.defaultedRouting,
            id: "a\"b\\c/d\u{e9}\u{1F600}\n",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "escaped member names are recognised",
            value: #"{"\u005fid":"o1","b\u006fdy":{}}"#,
            routing: Fixture.defaultedRouting,
            id: "o1",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "unicode ids and bodies pass",
            value: #"{"_id":"日本-é","body":{"名前":"Zoë 🐙"}}"#,
            routing: Fixture.defaultedRouting,
            id: "日本-é",
            action: .write,
            body: #"{"名前":"Zoë 🐙"}"#
        ),
        Success(
            name: "missing id falls back to the key",
            value: #"{"body":{}}"#,
            key: "from-key",
            routing: Fixture.defaultedRouting,
            id: "from-key",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "missing id and key gives a deterministic id",
            value: #"{"body":{}}"#,
            routing: Fixture.defaultedRouting,
            id: "orders-3-7",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "an empty key counts as none",
            value: #"{"body":{}}"#,
            key: "",
            routing: Fixture.defaultedRouting,
            id: "orders-3-7",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "a 512-byte id is accepted",
            value: #"{"_id":"\#(String(repeating: "é", count: 256))","body":{}}"#,
            routing: Fixture.defaultedRouting,
            id: String(repeating: "é", count: 256),
            action: .write,
            body: "{}"
        ),
        Success(
            name: "raw value is the body and the key the id",
            value: #" {"qty":3,"tags":["a"]}"#,
            key: "o9",
            routing: Fixture.rawRouting,
            id: "o9",
            action: .write,
            body: #"{"qty":3,"tags":["a"]}"#
        ),
        Success(
            name: "raw value without key gets a deterministic id",
            value: #"{"qty":3}"#,
            routing: Fixture.rawRouting,
            id: "orders-3-7",
            action: .write,
            body: #"{"qty":3}"#
        ),
        Success(
            name: "envelope tombstone deletes the key",
            value: nil,
            key: "o1",
            routing: Fixture.defaultedRouting,
            id: "o1",
            action: .delete,
            body: nil
        ),
        Success(
            name: "raw tombstone deletes the key",
            value: nil,
            key: "o1",
            routing: Fixture.rawRouting,
            id: "o1",
            action: .delete,
            body: nil
        ),
        Success(
            name: "headers override the envelope",
            value: #"{"index":"shop","collection":"orders","_id":"o1","action":"write","body":{"a":1}}"#,
            headers: [
                .init(name: "kuzzle-index", value: "idx2"), .init(name: "kuzzle-collection", value: "col2"),
                .init(name: "kuzzle-id", value: "h1"), .init(name: "kuzzle-action", value: "create"),
            ],
            index: "idx2",
            collection: "col2",
            id: "h1",
            action: .create,
            body: #"{"a":1}"#
        ),
        Success(
            name: "the last header of a name wins and null headers are ignored",
            value: #"{"body":{}}"#,
            headers: [
                .init(name: "kuzzle-id", value: "first"), .init(name: "kuzzle-id", value: "second"),
                .init(name: "kuzzle-id", value: nil), .init(name: "other", value: "x"),
            ],
            routing: Fixture.defaultedRouting,
            id: "second",
            action: .write,
            body: "{}"
        ),
        Success(
            name: "headers give the target of a tombstone",
            value: nil,
            key: "o1",
            headers: [.init(name: "kuzzle-index", value: "idx2"), .init(name: "kuzzle-collection", value: "col2")],
            index: "idx2",
            collection: "col2",
            id: "o1",
            action: .delete,
            body: nil
        ),
        Success(
            name: "a header id serves a keyless tombstone",
            value: nil,
            headers: [.init(name: "kuzzle-id", value: "h1")],
            routing: Fixture.defaultedRouting,
            id: "h1",
            action: .delete,
            body: nil
        ),
        Success(
            name: "a delete header on a raw value deletes",
            value: #"{"a":1}"#,
            key: "o1",
            headers: [.init(name: "kuzzle-action", value: "delete")],
            routing: Fixture.rawRouting,
            id: "o1",
            action: .delete,
            body: nil
        ),
    ]

    @Test("a well-formed record becomes the expected event", arguments: successes)
    func routesWellFormedRecords(_ example: Success) throws {
        let record = Fixture.record(
            example.value,
            key: example.key,
            headers: example.headers.map { ($0.name, $0.value) }
        )
        let event = try router.route(record, routing: example.routing)
        #expect(event.index == example.index)
        #expect(event.collection == example.collection)
        #expect(event.id == example.id)
        #expect(event.action == example.action)
        #expect(event.bodyText == example.body)
        #expect(event.source == EventSource(topic: "orders", partition: 3, offset: 7))
    }

    @Test func theBodyIsASliceOfTheValueNotACopy() throws {
        let value = Array(#"{"_id":"o1","body":{"qty":3}}"#.utf8)
        let record = SourceRecord(topic: "t", partition: 0, offset: 1, value: value)
        let event = try router.route(record, routing: Fixture.defaultedRouting)
        let body = try #require(event.body)
        #expect(body.startIndex == 19)
        #expect(body.endIndex == value.count - 1)
        body.withUnsafeBufferPointer { slice in
            value.withUnsafeBufferPointer { whole in
                #expect(slice.baseAddress == whole.baseAddress.map { $0 + 19 })
            }
        }
    }

    /// One routing case that must fail.
    struct Failure: Sendable, CustomStringConvertible {
        var name: String
        var value: String?
        var key: String? = nil
        var headers: [(String, String?)] = []
        var routing: TopicRouting = Fixture.defaultedRouting
        var kind: EventDecodingError.Kind
        var field: String
        var description: String { name }
    }

    static let failures: [Failure] = [
        Failure(
            name: "no index and no default",
            value: #"{"collection":"c","_id":"a","body":{}}"#,
            routing: Fixture.envelopeRouting,
            kind: .missingField,
            field: "index"
        ),
        Failure(
            name: "no collection and no default",
            value: #"{"index":"i","_id":"a","body":{}}"#,
            routing: Fixture.envelopeRouting,
            kind: .missingField,
            field: "collection"
        ),
        Failure(
            name: "uppercase index",
            value: #"{"index":"Shop","_id":"a","body":{}}"#,
            kind: .invalidName,
            field: "index"
        ),
        Failure(
            name: "route literal index",
            value: #"{"index":"users","_id":"a","body":{}}"#,
            kind: .invalidName,
            field: "index"
        ),
        Failure(
            name: "reserved collection",
            value: #"{"collection":"_kuzzle_keep","_id":"a","body":{}}"#,
            kind: .invalidName,
            field: "collection"
        ),
        Failure(
            name: "invalid header collection",
            value: #"{"_id":"a","body":{}}"#,
            headers: [("kuzzle-collection", "a b")],
            kind: .invalidName,
            field: "collection"
        ),
        Failure(
            name: "unknown action",
            value: #"{"_id":"a","action":"upsert","body":{}}"#,
            kind: .unknownAction,
            field: "action"
        ),
        Failure(
            name: "unknown header action",
            value: #"{"_id":"a","body":{}}"#,
            headers: [("kuzzle-action", "WRITE")],
            kind: .unknownAction,
            field: "kuzzle-action"
        ),
        Failure(name: "write without body", value: #"{"_id":"a"}"#, kind: .missingField, field: "body"),
        Failure(name: "body not an object", value: #"{"_id":"a","body":[1]}"#, kind: .notAnObject, field: "body"),
        Failure(name: "body a string", value: #"{"_id":"a","body":"{}"}"#, kind: .notAnObject, field: "body"),
        Failure(name: "envelope not an object", value: #"[{"_id":"a"}]"#, kind: .notAnObject, field: "value"),
        Failure(
            name: "raw value not an object",
            value: #""text""#,
            routing: Fixture.rawRouting,
            kind: .notAnObject,
            field: "value"
        ),
        Failure(name: "id not a string", value: #"{"_id":12,"body":{}}"#, kind: .invalidField, field: "_id"),
        Failure(name: "index not a string", value: #"{"index":{},"body":{}}"#, kind: .invalidField, field: "index"),
        Failure(
            name: "duplicate member",
            value: #"{"_id":"a","_id":"b","body":{}}"#,
            kind: .invalidField,
            field: "_id"
        ),
        Failure(
            name: "lone surrogate in id",
            value: #"{"_id":"\ud800x","body":{}}"#,
            kind: .invalidField,
            field: "_id"
        ),
        Failure(name: "empty id", value: #"{"_id":"","body":{}}"#, kind: .invalidID, field: "_id"),
        Failure(
            name: "513-byte id",
            value: #"{"_id":"\#(String(repeating: "x", count: 513))","body":{}}"#,
            kind: .invalidID,
            field: "_id"
        ),
        Failure(
            name: "huge header id",
            value: #"{"body":{}}"#,
            headers: [("kuzzle-id", String(repeating: "y", count: 10_000))],
            kind: .invalidID,
            field: "kuzzle-id"
        ),
        Failure(
            name: "huge key id",
            value: #"{"qty":1}"#,
            key: String(repeating: "k", count: 600),
            routing: Fixture.rawRouting,
            kind: .invalidID,
            field: "key"
        ),
        Failure(name: "tombstone without key", value: nil, kind: .tombstoneWithoutKey, field: "key"),
        Failure(
            name: "tombstone asked to write",
            value: nil,
            key: "a",
            headers: [("kuzzle-action", "write")],
            kind: .missingField,
            field: "value"
        ),
        Failure(
            name: "update without id",
            value: #"{"action":"update","body":{}}"#,
            kind: .missingField,
            field: "_id"
        ),
        Failure(name: "delete without id", value: #"{"action":"delete"}"#, kind: .missingField, field: "_id"),
        Failure(name: "malformed body", value: #"{"_id":"a","body":{"x":tru}}"#, kind: .malformedJSON, field: "body"),
        Failure(
            name: "malformed unknown member",
            value: #"{"x":[1,],"_id":"a","body":{}}"#,
            kind: .malformedJSON,
            field: "value"
        ),
        Failure(name: "trailing data", value: #"{"_id":"a","body":{}} {}"#, kind: .malformedJSON, field: "value"),
        Failure(name: "empty value", value: "", kind: .malformedJSON, field: "value"),
        Failure(
            name: "raw trailing comma",
            value: #"{"a":1,}"#,
            key: "k",
            routing: Fixture.rawRouting,
            kind: .malformedJSON,
            field: "value"
        ),
    ]

    @Test("a bad record fails with the expected kind and field", arguments: failures)
    func refusesBadRecords(_ example: Failure) {
        let record = Fixture.record(example.value, key: example.key, headers: example.headers)
        #expect {
            _ = try router.route(record, routing: example.routing)
        } throws: { error in
            guard let error = error as? EventDecodingError else { return false }
            return error.kind == example.kind && error.field == example.field
                && error.source == EventSource(topic: "orders", partition: 3, offset: 7)
        }
    }

    @Test func anErrorDescriptionNamesTheEventTheFieldAndTheKind() {
        let record = Fixture.record(#"{"_id":"a","action":"merge","body":{}}"#)
        do {
            _ = try router.route(record, routing: Fixture.defaultedRouting)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("orders/3@7: action: "))
            #expect(error.description.hasSuffix("(unknown-action)"))
        }
    }

    @Test func routingByMoveKeepsTheRecordInTheEventAndHandsItBackWithTheError() throws {
        let good = Fixture.record(#"{"_id":"a","body":{"n":1}}"#, key: "k")
        let event = try router.route(taking: good, routing: Fixture.defaultedRouting)
        #expect(event.record == good)
        #expect(event.body.map { Array($0) } == Array(#"{"n":1}"#.utf8))
        #expect(event == (try router.route(good, routing: Fixture.defaultedRouting)))

        let bad = Fixture.record(#"{"_id":"a","action":"merge","body":{}}"#, key: "k")
        do {
            _ = try router.route(taking: bad, routing: Fixture.defaultedRouting)
            Issue.record("expected an error")
        } catch {
            #expect(error.record == bad)
            #expect(error.error.kind == .unknownAction)
            #expect(error.error.source == bad.source)
        }
    }

    @Test func invalidUTF8InTheKeyOrAHeaderIsAnError() {
        var record = Fixture.record(#"{"a":1}"#)
        record.key = [0x6F, 0xFF]
        #expect(throws: EventDecodingError.self) { try router.route(record, routing: Fixture.rawRouting) }
        record.key = nil
        record.headers = [SourceRecord.Header(name: "kuzzle-index", value: [0xC3])]
        #expect(throws: EventDecodingError.self) { try router.route(record, routing: Fixture.rawRouting) }
    }

    @Test func nestingDeeperThanTheLimitIsMalformed() throws {
        let shallow = EventRouter(maximumNestingDepth: 4)
        let ok = Fixture.record(#"{"_id":"a","body":{"a":[{"b":1}]}}"#)
        _ = try shallow.route(ok, routing: Fixture.defaultedRouting)
        let deep = Fixture.record(#"{"_id":"a","body":{"a":[{"b":[1]}]}}"#)
        #expect(throws: EventDecodingError.self) { try shallow.route(deep, routing: Fixture.defaultedRouting) }
        let veryDeep = Fixture.record(String(repeating: "[", count: 100_000), key: "k")
        #expect(throws: EventDecodingError.self) { try router.route(veryDeep, routing: Fixture.rawRouting) }
    }
}
