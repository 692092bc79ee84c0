import TestSupport

/// Debezium change events for integration tests, written here (debezium.md §4): envelopes, the JSON converter's
/// `{"schema","payload"}` wrapper, and a simulated table whose row histories end in a known final state.
enum DebeziumEvents {
    static let source =
        #"{"version":"2.5.0.Final","connector":"postgresql","name":"sim","ts_ms":1700000000000,"snapshot":"false","db":"shop","schema":"public","table":"orders"}"#

    /// A change envelope.
    static func envelope(op: String, before: String = "null", after: String = "null") -> String {
        #"{"before":\#(before),"after":\#(after),"source":\#(source),"op":"\#(op)","ts_ms":1700000000123}"#
    }

    /// The JSON converter's wrapper (`schemas.enable=true`).
    static func wrapped(_ payload: String, schema: String) -> String {
        #"{"schema":\#(schema),"payload":\#(payload)}"#
    }

    static let keySchema =
        #"{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"}],"optional":false,"name":"sim.public.orders.Key"}"#
    static let valueSchema =
        #"{"type":"struct","fields":[{"type":"struct","fields":[],"optional":true,"field":"before"},{"type":"string","optional":false,"field":"op"}],"optional":false,"name":"sim.public.orders.Envelope"}"#

    static func message(key: String?, value: String?) -> OutgoingMessage {
        OutgoingMessage(key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) })
    }
}

/// A table of `rows` rows, each with a random history (snapshot or create, updates, then maybe a delete — its
/// tombstone sometimes lost — or a primary-key change), as the Debezium messages that tell it and the table it ends as.
struct SimulatedTable {
    /// The messages, in per-key order (the producer keeps the order of messages sharing a key).
    private(set) var messages: [OutgoingMessage] = []
    /// The final table: document id → row.
    private(set) var table: [String: DocumentBody] = [:]
    /// How many messages give a document operation (writes and deletes; heartbeats excluded).
    private(set) var operations = 0
    /// How many heartbeats (records without `op`) are among the messages.
    private(set) var heartbeats = 0

    init(rows: Int, seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for row in 0..<rows {
            // One row in three is produced with schemas on (key and value wrapped): its key bytes are the same for
            // its whole history, so it stays on one partition.
            let schemas = row % 3 == 0
            var id = row + 1
            var version = 0
            var current = rowJSON(id: id, version: version, row: row)
            emit(
                id: id,
                schemas: schemas,
                value: DebeziumEvents.envelope(op: Bool.random(using: &random) ? "r" : "c", after: current)
            )
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                version += 1
                let next = rowJSON(id: id, version: version, row: row)
                // DEFAULT replica identity (before holds the key) or FULL (the whole row).
                let before = Bool.random(using: &random) ? #"{"id":\#(id)}"# : current
                emit(id: id, schemas: schemas, value: DebeziumEvents.envelope(op: "u", before: before, after: next))
                current = next
            }
            let ending = Int.random(in: 0..<100, using: &random)
            if ending < 20 {
                emit(id: id, schemas: schemas, value: DebeziumEvents.envelope(op: "d", before: current))
                if ending < 16 { emit(id: id, schemas: schemas, value: nil) }  // else the tombstone was lost
                continue
            }
            if ending < 35 {
                // A primary-key change: d (old key), tombstone (old key), c (new key), maybe an update after it.
                emit(id: id, schemas: schemas, value: DebeziumEvents.envelope(op: "d", before: current))
                emit(id: id, schemas: schemas, value: nil)
                id = 1_000_000 + row
                current = rowJSON(id: id, version: version, row: row)
                emit(id: id, schemas: schemas, value: DebeziumEvents.envelope(op: "c", after: current))
                if Bool.random(using: &random) {
                    version += 1
                    let next = rowJSON(id: id, version: version, row: row)
                    emit(
                        id: id,
                        schemas: schemas,
                        value: DebeziumEvents.envelope(op: "u", before: current, after: next)
                    )
                    current = next
                }
            }
            table[String(id)] = [
                "id": .int(id), "v": .int(version), "name": .string("row \(row) | v\(version) 100%"),
            ]
            if row % 500 == 0 {
                heartbeats += 1
                messages.append(DebeziumEvents.message(key: #"{"serverName":"sim"}"#, value: #"{"ts_ms":\#(row)}"#))
            }
        }
    }

    private func rowJSON(id: Int, version: Int, row: Int) -> String {
        #"{"id":\#(id),"v":\#(version),"name":"row \#(row) | v\#(version) 100%"}"#
    }

    private mutating func emit(id: Int, schemas: Bool, value: String?) {
        var key = #"{"id":\#(id)}"#
        var value = value
        if schemas {
            key = DebeziumEvents.wrapped(key, schema: DebeziumEvents.keySchema)
            value = value.map { DebeziumEvents.wrapped($0, schema: DebeziumEvents.valueSchema) }
        }
        operations += 1
        messages.append(DebeziumEvents.message(key: key, value: value))
    }
}
