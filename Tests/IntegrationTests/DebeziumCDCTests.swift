import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests {
    @Suite("Debezium change data capture")
    struct DebeziumCDCTests {
        /// A scenario's daemon configuration with its topic routed as `format`.
        static func configuration(
            _ names: ScenarioNames,
            bootstrap: String,
            kuzzleURL: String,
            format: String,
            deadLetters: Bool
        ) -> DaemonConfiguration {
            var configuration = names.configuration(
                bootstrap: bootstrap,
                kuzzleURL: kuzzleURL,
                deadLetters: deadLetters
            )
            configuration.routingLines = [
                "  topics:",
                "    \(names.topic):",
                "      format: \(format)",
                "      index: \(names.index)",
                "      collection: \(names.collections[0])",
            ]
            return configuration
        }

        /// Runs `body` with a stand-in, a started daemon routing the scenario's topic as `format`, and a probe of the
        /// group's committed offsets (closed after `body`).
        static func withBridge(
            _ names: ScenarioNames,
            bootstrap: String,
            format: String,
            deadLetters: Bool,
            _ body: (StandInServer, DaemonProcess, OffsetsProbe) async throws -> Void
        ) async throws {
            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                let daemon = try DaemonProcess(
                    name: "bridge",
                    configuration: configuration(
                        names,
                        bootstrap: bootstrap,
                        kuzzleURL: server.baseURL,
                        format: format,
                        deadLetters: deadLetters
                    )
                )
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                do {
                    try await body(server, daemon, probe)
                } catch {
                    await probe.close()
                    throw error
                }
                await probe.close()
            }
        }

        static func row(_ fields: [String: FieldValue]) -> DocumentBody { fields }

        @Test(
            "The samples of debezium.md land as specified: writes, deletes, escaped composite ids, skips, dead letters"
        )
        func samplesLandAsSpecified() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("cdc-samples")
            typealias E = DebeziumEvents
            let wrappedKey = { (id: Int) in E.wrapped(#"{"id":\#(id)}"#, schema: E.keySchema) }
            let messages: [OutgoingMessage] = [
                // 1, 2: a snapshot row, schemas off and on.
                E.message(key: #"{"id":1}"#, value: E.envelope(op: "r", after: #"{"id":1,"name":"tea"}"#)),
                E.message(
                    key: wrappedKey(2),
                    value: E.wrapped(E.envelope(op: "r", after: #"{"id":2,"name":"tea"}"#), schema: E.valueSchema)
                ),
                // 3, 4: composite keys, escaped.
                E.message(
                    key: #"{"tenant":"acme","order":42}"#,
                    value: E.envelope(op: "c", after: #"{"tenant":"acme","order":42,"qty":3}"#)
                ),
                E.message(key: #"{"a":"a|b%","b":7}"#, value: E.envelope(op: "c", after: #"{"a":"a|b%","b":7}"#)),
                // 5, 6: updates with DEFAULT and FULL replica identity.
                E.message(
                    key: #"{"id":1}"#,
                    value: E.envelope(op: "u", before: #"{"id":1}"#, after: #"{"id":1,"name":"green tea"}"#)
                ),
                E.message(
                    key: wrappedKey(2),
                    value: E.wrapped(
                        E.envelope(op: "u", before: #"{"id":2,"name":"tea"}"#, after: #"{"id":2,"name":"black tea"}"#),
                        schema: E.valueSchema
                    )
                ),
                // 7: d then its tombstone (the second delete's 404 is done); 8: d without a tombstone.
                E.message(key: #"{"id":3}"#, value: E.envelope(op: "c", after: #"{"id":3}"#)),
                E.message(key: #"{"id":3}"#, value: E.envelope(op: "d", before: #"{"id":3}"#)),
                E.message(key: #"{"id":3}"#, value: nil),
                E.message(key: #"{"id":4}"#, value: E.envelope(op: "c", after: #"{"id":4}"#)),
                E.message(key: #"{"id":4}"#, value: E.envelope(op: "d", before: #"{"id":4}"#)),
                // 9: a primary-key change (old and new keys may sit on different partitions).
                E.message(key: #"{"id":5}"#, value: E.envelope(op: "c", after: #"{"id":5,"name":"moving"}"#)),
                E.message(key: #"{"id":5}"#, value: E.envelope(op: "d", before: #"{"id":5}"#)),
                E.message(key: #"{"id":5}"#, value: nil),
                E.message(key: #"{"id":6}"#, value: E.envelope(op: "c", after: #"{"id":6,"name":"moving"}"#)),
                // 12: a truncate (skipped by default); 13: exact int64 and base64 decimal keys, a heartbeat.
                E.message(key: nil, value: #"{"source":\#(E.source),"op":"t","ts_ms":1}"#),
                E.message(key: #"{"id":9007199254740993}"#, value: E.envelope(op: "c", after: #"{"id":"big"}"#)),
                E.message(key: #"{"amount":"AeJA"}"#, value: E.envelope(op: "c", after: #"{"amount":"AeJA"}"#)),
                E.message(key: #"{"serverName":"sim"}"#, value: #"{"ts_ms":1700000000999}"#),
                // 13: dead-lettered: null key on a keyless table, op x, c with after null.
                E.message(key: nil, value: E.envelope(op: "c", after: #"{"x":1}"#)),
                E.message(key: #"{"id":7}"#, value: E.envelope(op: "x", after: #"{"id":7}"#)),
                E.message(key: #"{"id":8}"#, value: E.envelope(op: "c")),
            ]
            let expectedErrors = ["decoding:invalid-id", "decoding:missing-field", "decoding:unknown-action"]
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            // One at a time: messages of different keys keep their order too, as in the samples' story.
            var deliveries: [KafkaProducer.Delivery] = []
            for message in messages { deliveries.append(try await producer.send(message)) }
            await producer.close()
            let ends = highWatermarks(of: deliveries)

            let collection = names.collections[0]
            func key(_ id: String) -> DocumentKey { DocumentKey(index: names.index, collection: collection, id: id) }
            let expected: [DocumentKey: DocumentBody] = [
                key("1"): ["id": .int(1), "name": .string("green tea")],
                key("2"): ["id": .int(2), "name": .string("black tea")],
                key("acme|42"): ["tenant": .string("acme"), "order": .int(42), "qty": .int(3)],
                key("a%7Cb%25|7"): ["a": .string("a|b%"), "b": .int(7)],
                key("6"): ["id": .int(6), "name": .string("moving")],
                key("9007199254740993"): ["id": .string("big")],
                key("AeJA"): ["amount": .string("AeJA")],
            ]

            try await Self.withBridge(
                names,
                bootstrap: bootstrap,
                format: "debezium",
                deadLetters: true
            ) { server, daemon, probe in
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(60))
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: expected)
                // The stats line counts the heartbeat and the truncate under the topic's name.
                let statsLogged = await IntegrationEnvironment.eventually(timeout: .seconds(10)) {
                    daemon.log.split(separator: "\n").contains { line in
                        line.contains("stats") && line.contains("skipped") && line.contains("truncates")
                            && line.components(separatedBy: "\(names.topic)=1").count == 3
                    }
                }
                #expect(statsLogged, "no stats line counted the skipped records\n\(daemon.tail())")
                await ScenarioChecks.expectCleanStop(daemon)
                for warning in ["Skipping Debezium records that carry no row", "Skipping Debezium truncates"] {
                    let count = daemon.log.components(separatedBy: warning).count - 1
                    #expect(count == 1, "\(warning): one warning per topic, found \(count)")
                }

                let letters = try await DeadLetterReader.read(
                    topic: names.deadLetterTopic,
                    bootstrap: bootstrap,
                    expected: expectedErrors.count
                )
                #expect(letters.compactMap { $0.header("kuzzle-bridge-error") }.sorted() == expectedErrors)
                for letter in letters {
                    let reason = letter.header("kuzzle-bridge-reason") ?? ""
                    #expect(reason.contains("key") || reason.contains("op") || reason.contains("after"), "\(reason)")
                }
            }
        }

        @Test("Unwrapped rows (ExtractNewRecordState, rewrite mode and schema tombstones) land as specified")
        func unwrappedRowsLand() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("cdc-unwrapped")
            let messages: [OutgoingMessage] = [
                DebeziumEvents.message(key: #"{"id":1}"#, value: #"{"id":1,"name":"cup","__deleted":"false"}"#),
                DebeziumEvents.message(key: #"{"id":2}"#, value: #"{"id":2,"name":"mug","__deleted":"false"}"#),
                DebeziumEvents.message(key: #"{"id":2}"#, value: #"{"id":2,"name":"mug","__deleted":"true"}"#),
                // The row's key in the same form as its tombstone's: the key's bytes choose the partition, and a
                // row and its delete must share one (a converter writes every key of a topic in one form).
                DebeziumEvents.message(
                    key: DebeziumEvents.wrapped(#"{"id":3}"#, schema: DebeziumEvents.keySchema),
                    value: #"{"id":3,"name":"pot"}"#
                ),
                DebeziumEvents.message(
                    key: DebeziumEvents.wrapped(#"{"id":3}"#, schema: DebeziumEvents.keySchema),
                    value: #"{"schema":{"type":"struct","fields":[]},"payload":null}"#
                ),
                DebeziumEvents.message(
                    key: DebeziumEvents.wrapped(#"{"id":4}"#, schema: DebeziumEvents.keySchema),
                    value:
                        #"{"schema":{"type":"struct","fields":[]},"payload":{"id":4,"name":"jar","__deleted":"false"}}"#
                ),
            ]
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            var deliveries: [KafkaProducer.Delivery] = []
            for message in messages { deliveries.append(try await producer.send(message)) }
            await producer.close()
            let ends = highWatermarks(of: deliveries)
            let collection = names.collections[0]
            let expected: [DocumentKey: DocumentBody] = [
                DocumentKey(index: names.index, collection: collection, id: "1"): [
                    "id": .int(1), "name": .string("cup"),
                ],
                DocumentKey(index: names.index, collection: collection, id: "4"): [
                    "id": .int(4), "name": .string("jar"),
                ],
            ]
            try await Self.withBridge(
                names,
                bootstrap: bootstrap,
                format: "debezium-unwrapped",
                deadLetters: false
            ) { server, daemon, probe in
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(60))
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: expected)
                await ScenarioChecks.expectCleanStop(daemon)
            }
        }
    }
}
