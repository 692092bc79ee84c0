import Testing

@testable import BridgeCore

@Suite struct DebeziumRouterTests {
    let router = EventRouter()

    static func routing(
        _ format: TopicRouting.Format = .debezium,
        truncate: DebeziumRouting.TruncatePolicy = .skip,
        valueFraming: PayloadFraming = .none,
        keyFraming: PayloadFraming = .none
    ) -> TopicRouting {
        TopicRouting(
            format: format,
            defaultIndex: "shop",
            defaultCollection: "orders",
            debezium: DebeziumRouting(truncate: truncate),
            valueFraming: valueFraming,
            keyFraming: keyFraming
        )
    }

    static func record(key: [UInt8]?, value: [UInt8]?, headers: [SourceRecord.Header] = []) -> SourceRecord {
        SourceRecord(topic: "pg.public.orders", partition: 1, offset: 40, key: key, value: value, headers: headers)
    }

    /// What the router made of a record, in the terms of ``DebeziumSamples/Expected``.
    func outcome(_ record: SourceRecord, routing: TopicRouting) -> DebeziumSamples.Expected {
        do {
            let event = try router.route(record, routing: routing)
            #expect(event.target == DocumentTarget(index: "shop", collection: "orders"))
            switch event.action {
            case .delete:
                #expect(event.body == nil)
                return .delete(id: event.id)
            case .write:
                return .write(id: event.id, body: event.bodyText ?? "<none>")
            case .create, .update:
                Issue.record("a Debezium record became a \(event.action)")
                return .delete(id: "")
            }
        } catch {
            #expect(!error.reason.isEmpty)
            return .refused(error.kind, field: error.field, error.disposition)
        }
    }

    func sampleRecord(_ sample: DebeziumSamples.Sample, wrapped: Bool) -> SourceRecord {
        var key = sample.key
        var value = sample.value
        if wrapped {
            key = key.map { DebeziumSamples.wrapped($0, schema: DebeziumSamples.keySchema(of: $0))! }
            if value != "null" { value = DebeziumSamples.wrapped(value, schema: DebeziumSamples.valueSchema) }
        }
        return Self.record(key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) })
    }

    @Test(arguments: DebeziumSamples.samples)
    func sampleRoutesAsSpecified(_ sample: DebeziumSamples.Sample) {
        let routing = Self.routing(sample.format, truncate: sample.truncate)
        #expect(outcome(sampleRecord(sample, wrapped: false), routing: routing) == sample.expected)
    }

    @Test(arguments: DebeziumSamples.samples)
    func schemaWrappedFormRoutesLikeTheBareOne(_ sample: DebeziumSamples.Sample) {
        let routing = Self.routing(sample.format, truncate: sample.truncate)
        let bare = outcome(sampleRecord(sample, wrapped: false), routing: routing)
        let wrapped = outcome(sampleRecord(sample, wrapped: true), routing: routing)
        #expect(wrapped == bare)
    }

    @Test func writeBodyIsASliceOfTheValue() throws {
        let value = Array(DebeziumSamples.envelope(op: "c", after: DebeziumSamples.row1).utf8)
        let event = try router.route(
            Self.record(key: Array(#"{"id":1}"#.utf8), value: value),
            routing: Self.routing()
        )
        let body = try #require(event.body)
        // A slice of the value itself (not a copy): its indices are the value's.
        #expect(body.startIndex > 0)
        #expect(Array(value[body.indices]) == Array(body))
    }

    @Test func unwrappedSchemaTombstoneDeletes() {
        let key = Array(#"{"schema":{"type":"struct","fields":[{"field":"id"}]},"payload":{"id":9}}"#.utf8)
        let value = Array(#"{"schema":{"type":"struct","fields":[]},"payload":null}"#.utf8)
        let routing = Self.routing(.debeziumUnwrapped)
        #expect(outcome(Self.record(key: key, value: value), routing: routing) == .delete(id: "9"))
        // The same with the change-envelope format.
        #expect(outcome(Self.record(key: key, value: value), routing: Self.routing()) == .delete(id: "9"))
    }

    @Test func schemaFieldOrderWinsOverDocumentOrder() {
        let key = Array(
            #"{"schema":{"type":"struct","fields":[{"field":"tenant"},{"field":"order"}]},"payload":{"order":42,"tenant":"acme"}}"#
                .utf8
        )
        #expect(
            outcome(Self.record(key: key, value: nil), routing: Self.routing()) == .delete(id: "acme|42")
        )
    }

    @Test func idFieldsPickAndOrderTheComponents() throws {
        var routing = Self.routing()
        routing.debezium.idFields = ["order", "tenant"]
        routing.debezium.idSeparator = "::"
        let key = Array(#"{"tenant":"a:b","order":42,"region":"eu"}"#.utf8)
        #expect(outcome(Self.record(key: key, value: nil), routing: routing) == .delete(id: "42::a%3Ab"))
        routing.debezium.idFields = ["missing"]
        #expect(
            outcome(Self.record(key: key, value: nil), routing: routing)
                == .refused(.invalidID, field: "key.missing", .deadLetter)
        )
    }

    @Test func keyChangeAcrossPartitionsDeletesTheOldIdAndCreatesTheNew() throws {
        // debezium.md §1: d (old key, header __debezium.newkey), tombstone (old key), c (new key, __debezium.oldkey).
        let oldKey = Array(#"{"id":5}"#.utf8)
        let newKey = Array(#"{"id":6}"#.utf8)
        var delete = Self.record(
            key: oldKey,
            value: Array(DebeziumSamples.envelope(op: "d", before: #"{"id":5}"#).utf8),
            headers: [SourceRecord.Header(name: "__debezium.newkey", value: newKey)]
        )
        delete.partition = 0
        var tombstone = Self.record(key: oldKey, value: nil)
        tombstone.partition = 0
        var create = Self.record(
            key: newKey,
            value: Array(DebeziumSamples.envelope(op: "c", after: #"{"id":6,"n":"x"}"#).utf8),
            headers: [SourceRecord.Header(name: "__debezium.oldkey", value: oldKey)]
        )
        create.partition = 3
        let routing = Self.routing()
        #expect(outcome(delete, routing: routing) == .delete(id: "5"))
        #expect(outcome(tombstone, routing: routing) == .delete(id: "5"))
        #expect(outcome(create, routing: routing) == .write(id: "6", body: #"{"id":6,"n":"x"}"#))
    }

    @Test func confluentFramingIsStrippedFromValueAndKey() throws {
        let prefix: [UInt8] = [0, 0, 0, 0, 42]
        let value = prefix + Array(DebeziumSamples.envelope(op: "c", after: #"{"id":1}"#).utf8)
        let key = prefix + Array(#"{"id":1}"#.utf8)
        let routing = Self.routing(valueFraming: .confluent, keyFraming: .confluent)
        #expect(outcome(Self.record(key: key, value: value), routing: routing) == .write(id: "1", body: #"{"id":1}"#))
        // Without the prefix: dead-lettered, naming the value or the key.
        let bareValue = Array(DebeziumSamples.envelope(op: "c", after: #"{"id":1}"#).utf8)
        #expect(
            outcome(Self.record(key: key, value: bareValue), routing: routing)
                == .refused(.framing, field: "value", .deadLetter)
        )
        #expect(
            outcome(Self.record(key: Array(#"{"id":1}"#.utf8), value: value), routing: routing)
                == .refused(.framing, field: "key", .deadLetter)
        )
    }

    @Test func confluentFramingOnTheEnvelopeAndRawFormats() throws {
        let prefix: [UInt8] = [0, 0, 0, 1, 0]
        var routing = TopicRouting(format: .raw, defaultIndex: "shop", defaultCollection: "orders")
        routing.valueFraming = .confluent
        routing.keyFraming = .confluent
        let event = try router.route(
            Self.record(key: prefix + Array(#""k1""#.utf8), value: prefix + Array(#"{"a":1}"#.utf8)),
            routing: routing
        )
        #expect(event.id == "k1")
        #expect(event.bodyText == #"{"a":1}"#)
        routing.format = .envelope
        let enveloped = try router.route(
            Self.record(key: nil, value: prefix + Array(#"{"_id":"e","body":{"b":2}}"#.utf8)),
            routing: routing
        )
        #expect(enveloped.id == "e")
        #expect(enveloped.bodyText == #"{"b":2}"#)
        #expect(throws: EventDecodingError.self) {
            try router.route(Self.record(key: nil, value: Array(#"{"_id":"e","body":{}}"#.utf8)), routing: routing)
        }
    }

    @Test func afterRowWithAnActionNameFirstIsReorderedForImport() throws {
        let value = Array(DebeziumSamples.envelope(op: "c", after: #"{"index":3,"name":"x"}"#).utf8)
        let event = try router.route(Self.record(key: Array(#"{"id":1}"#.utf8), value: value), routing: Self.routing())
        #expect(event.importHazard == .firstKeyIsActionName)
        #expect(event.bodyText == #"{"name":"x","index":3}"#)
    }

    @Test func unwrappedRowWithAnActionNameFirstAndADeletedMarker() throws {
        let routing = Self.routing(.debeziumUnwrapped)
        let key = Array(#"{"id":1}"#.utf8)
        let moved = try router.route(
            Self.record(key: key, value: Array(#"{"index":3,"name":"x","__deleted":"false"}"#.utf8)),
            routing: routing
        )
        #expect(moved.bodyText == #"{"name":"x","index":3}"#)
        // Only __deleted follows the action-name member: nothing can be moved before it.
        let onlyActions = try router.route(
            Self.record(key: key, value: Array(#"{"index":3,"__deleted":"false"}"#.utf8)),
            routing: routing
        )
        #expect(onlyActions.importHazard == .onlyActionNameKeys)
        #expect(onlyActions.bodyText == #"{"index":3}"#)
    }

    @Test func badDeletedMarkerIsDeadLettered() {
        let record = Self.record(key: Array(#"{"id":1}"#.utf8), value: Array(#"{"id":1,"__deleted":true}"#.utf8))
        #expect(
            outcome(record, routing: Self.routing(.debeziumUnwrapped))
                == .refused(.invalidField, field: "__deleted", .deadLetter)
        )
    }

    @Test func malformedMembersAreNamed() {
        let envelope = Self.record(
            key: Array(#"{"id":1}"#.utf8),
            value: Array(#"{"before":{"id":01},"after":{"id":1},"op":"u"}"#.utf8)
        )
        #expect(outcome(envelope, routing: Self.routing()) == .refused(.malformedJSON, field: "before", .deadLetter))
        let row = Self.record(key: Array(#"{"id":1}"#.utf8), value: Array(#"{"id":1,"price":1.}"#.utf8))
        #expect(
            outcome(row, routing: Self.routing(.debeziumUnwrapped))
                == .refused(.malformedJSON, field: "price", .deadLetter)
        )
    }

    @Test func notAnObjectValueIsDeadLettered() {
        let record = Self.record(key: Array(#"{"id":1}"#.utf8), value: Array(#"[1,2]"#.utf8))
        #expect(outcome(record, routing: Self.routing()) == .refused(.notAnObject, field: "value", .deadLetter))
    }

    @Test func fencedDebeziumTopicCarriesTheOffsetAsVersion() throws {
        var routing = Self.routing()
        routing.fence = .offset
        let value = Array(DebeziumSamples.envelope(op: "u", after: #"{"id":1}"#).utf8)
        let event = try router.route(Self.record(key: Array(#"{"id":1}"#.utf8), value: value), routing: routing)
        #expect(event.externalVersion == 40)
    }
}
