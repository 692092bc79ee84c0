@testable import BridgeCore

/// The samples of debezium.md §4, written for these tests: each as a bare record, with its schema-wrapped form built
/// from it (the JSON converter's `schemas.enable=true`), and what it must route to.
enum DebeziumSamples {
    /// What a sample must become.
    enum Expected: Equatable {
        /// A write of `body` (exact bytes) under `id`.
        case write(id: String, body: String)
        /// A delete of `id`.
        case delete(id: String)
        /// Not routed: the error kind, the field it names and what the pipeline does with it.
        case refused(EventDecodingError.Kind, field: String, EventDecodingError.Disposition)
    }

    /// One sample.
    struct Sample: CustomStringConvertible {
        var name: String
        var key: String?
        var value: String?
        var format: TopicRouting.Format = .debezium
        var truncate: DebeziumRouting.TruncatePolicy = .skip
        var expected: Expected
        var description: String { name }
    }

    static let source =
        #"{"version":"2.5.0.Final","connector":"postgresql","name":"pg","ts_ms":1700000000000,"snapshot":"false","db":"shop","schema":"public","table":"orders","txId":771,"lsn":24023128}"#

    static func envelope(op: String, before: String = "null", after: String = "null") -> String {
        #"{"before":\#(before),"after":\#(after),"source":\#(source),"op":"\#(op)","ts_ms":1700000000123,"transaction":null}"#
    }

    static let row1 = #"{"id":1,"name":"tea","price":"AeJA","tags":["x|y","%"],"note":null}"#
    static let row1Updated = #"{"id":1,"name":"green tea","price":"AeJA","tags":[],"note":"50% off"}"#

    static let samples: [Sample] = [
        Sample(
            name: "1. r snapshot row, int key",
            key: #"{"id":1}"#,
            value: envelope(op: "r", after: row1),
            expected: .write(id: "1", body: row1)
        ),
        Sample(
            name: "3. c with a composite key",
            key: #"{"tenant":"acme","order":42}"#,
            value: envelope(op: "c", after: #"{"tenant":"acme","order":42,"qty":3}"#),
            expected: .write(id: "acme|42", body: #"{"tenant":"acme","order":42,"qty":3}"#)
        ),
        Sample(
            name: "4. key parts with | and % are escaped",
            key: #"{"a":"a|b%","b":7}"#,
            value: envelope(op: "c", after: #"{"a":"a|b%","b":7}"#),
            expected: .write(id: "a%7Cb%25|7", body: #"{"a":"a|b%","b":7}"#)
        ),
        Sample(
            name: "5. u with DEFAULT identity (before holds the key only)",
            key: #"{"id":1}"#,
            value: envelope(op: "u", before: #"{"id":1}"#, after: row1Updated),
            expected: .write(id: "1", body: row1Updated)
        ),
        Sample(
            name: "6. u with FULL identity",
            key: #"{"id":1}"#,
            value: envelope(op: "u", before: row1, after: row1Updated),
            expected: .write(id: "1", body: row1Updated)
        ),
        Sample(
            name: "7/8. d deletes by itself",
            key: #"{"id":1}"#,
            value: envelope(op: "d", before: row1),
            expected: .delete(id: "1")
        ),
        Sample(
            name: "7. the tombstone after d deletes too",
            key: #"{"id":1}"#,
            value: nil,
            expected: .delete(id: "1")
        ),
        Sample(
            name: "9. key change: d under the old key",
            key: #"{"id":5}"#,
            value: envelope(op: "d", before: #"{"id":5,"name":"old"}"#),
            expected: .delete(id: "5")
        ),
        Sample(
            name: "9. key change: c under the new key",
            key: #"{"id":6}"#,
            value: envelope(op: "c", after: #"{"id":6,"name":"old"}"#),
            expected: .write(id: "6", body: #"{"id":6,"name":"old"}"#)
        ),
        Sample(
            name: "10. unwrapped rewrite, __deleted false (last member) is left out",
            key: #"{"id":2}"#,
            value: #"{"id":2,"name":"cup","__op":"c","__deleted":"false"}"#,
            format: .debeziumUnwrapped,
            expected: .write(id: "2", body: #"{"id":2,"name":"cup","__op":"c"}"#)
        ),
        Sample(
            name: "10. unwrapped rewrite, __deleted false (first member) is left out",
            key: #"{"id":2}"#,
            value: #"{ "__deleted" : "false" , "id":2,"name":"cup"}"#,
            format: .debeziumUnwrapped,
            expected: .write(id: "2", body: #"{  "id":2,"name":"cup"}"#)
        ),
        Sample(
            name: "10. unwrapped rewrite, __deleted true deletes",
            key: #"{"id":2}"#,
            value: #"{"id":2,"name":"cup","__deleted":"true"}"#,
            format: .debeziumUnwrapped,
            expected: .delete(id: "2")
        ),
        Sample(
            name: "unwrapped row without marker passes through",
            key: #"{"id":3}"#,
            value: #"{"id":3,"big":9007199254740993,"d":"AeJA"}"#,
            format: .debeziumUnwrapped,
            expected: .write(id: "3", body: #"{"id":3,"big":9007199254740993,"d":"AeJA"}"#)
        ),
        Sample(
            name: "11. unwrapped tombstone (Kafka null)",
            key: #"{"id":2}"#,
            value: nil,
            format: .debeziumUnwrapped,
            expected: .delete(id: "2")
        ),
        Sample(
            name: "11. unwrapped literal null",
            key: #"{"id":2}"#,
            value: "null",
            format: .debeziumUnwrapped,
            expected: .delete(id: "2")
        ),
        Sample(
            name: "12. t under skip",
            key: nil,
            value: #"{"before":null,"source":\#(source),"op":"t","ts_ms":1}"#,
            truncate: .skip,
            expected: .refused(.truncate, field: "op", .skip)
        ),
        Sample(
            name: "12. t under dead_letter",
            key: nil,
            value: #"{"source":\#(source),"op":"t","ts_ms":1}"#,
            truncate: .deadLetter,
            expected: .refused(.truncate, field: "op", .deadLetter)
        ),
        Sample(
            name: "12. t under halt",
            key: nil,
            value: #"{"source":\#(source),"op":"t","ts_ms":1}"#,
            truncate: .halt,
            expected: .refused(.truncate, field: "op", .halt)
        ),
        Sample(
            name: "13. int64 key beyond 2^53 stays exact",
            key: #"{"id":9007199254740993}"#,
            value: envelope(op: "c", after: #"{"id":9007199254740993}"#),
            expected: .write(id: "9007199254740993", body: #"{"id":9007199254740993}"#)
        ),
        Sample(
            name: "13. base64 decimal key as given",
            key: #"{"amount":"AeJA"}"#,
            value: envelope(op: "c", after: #"{"amount":"AeJA"}"#),
            expected: .write(id: "AeJA", body: #"{"amount":"AeJA"}"#)
        ),
        Sample(
            name: "13. null key on a keyless table is dead-lettered",
            key: nil,
            value: envelope(op: "c", after: #"{"x":1}"#),
            expected: .refused(.invalidID, field: "key", .deadLetter)
        ),
        Sample(
            name: "13. op x is dead-lettered",
            key: #"{"id":1}"#,
            value: envelope(op: "x", after: row1),
            expected: .refused(.unknownAction, field: "op", .deadLetter)
        ),
        Sample(
            name: "13. c with after null is dead-lettered",
            key: #"{"id":1}"#,
            value: envelope(op: "c"),
            expected: .refused(.missingField, field: "after", .deadLetter)
        ),
        Sample(
            name: "13. a heartbeat (no op) is skipped",
            key: #"{"serverName":"pg"}"#,
            value: #"{"ts_ms":1700000000999}"#,
            expected: .refused(.notARowChange, field: "op", .skip)
        ),
        Sample(
            name: "a schema-change record (no op) is skipped",
            key: #"{"databaseName":"shop"}"#,
            value:
                #"{"source":\#(source),"databaseName":"shop","ddl":"ALTER TABLE orders ADD note text","tableChanges":[]}"#,
            expected: .refused(.notARowChange, field: "op", .skip)
        ),
        Sample(
            name: "not JSON is dead-lettered",
            key: #"{"id":1}"#,
            value: #"{"op":"c","after":{"id":1,}}"#,
            expected: .refused(.malformedJSON, field: "after", .deadLetter)
        ),
        Sample(
            name: "after not an object is dead-lettered",
            key: #"{"id":1}"#,
            value: #"{"op":"u","after":[1]}"#,
            expected: .refused(.notAnObject, field: "after", .deadLetter)
        ),
        Sample(
            name: "a null key field gives no id",
            key: #"{"a":null,"b":1}"#,
            value: envelope(op: "c", after: "{}"),
            expected: .refused(.invalidID, field: "key.a", .deadLetter)
        ),
    ]

    /// The JSON converter's wrapper around a key or value (`schemas.enable=true`); `nil` stays `nil` (a tombstone).
    static func wrapped(_ payload: String?, schema: String) -> String? {
        guard let payload else { return nil }
        return #"{"schema":\#(schema),"payload":\#(payload)}"#
    }

    /// A plausible schema for a key: its fields in order (read by the id rule).
    static func keySchema(of key: String) -> String {
        // The fields' names, in document order (the samples' keys are flat objects).
        var names: [String] = []
        var rest = Substring(key)
        while let quote = rest.firstIndex(of: "\"") {
            let after = rest[rest.index(after: quote)...]
            guard let end = after.firstIndex(of: "\"") else { break }
            let name = after[..<end]
            let tail = after[after.index(after: end)...]
            if tail.first == ":" { names.append(String(name)) }
            rest = tail
        }
        let fields = names.map { #"{"type":"int64","optional":false,"field":"\#($0)"}"# }.joined(separator: ",")
        return #"{"type":"struct","fields":[\#(fields)],"optional":false,"name":"pg.public.orders.Key"}"#
    }

    static let valueSchema =
        #"{"type":"struct","fields":[{"type":"struct","fields":[],"optional":true,"field":"before"},{"type":"string","optional":false,"field":"op"}],"optional":false,"name":"pg.public.orders.Envelope","version":2}"#
}
