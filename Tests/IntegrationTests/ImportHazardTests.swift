import Foundation
import KuzzleStandIn
import RdKafka
import Testing

extension IntegrationTests {
    @Suite("bulk:import hazards")
    struct ImportHazardTests {
        /// One document event Kuzzle's bulk:import would mishandle (kuzzle-api.md §4.2), and what must become of it.
        struct Hazard {
            var id: String
            var action: String
            var body: String
            /// `true`: the stand-in must hold exactly `body`; `false`: the event must be dead-lettered.
            var written: Bool
        }

        static let hazards: [Hazard] = [
            // First key taken for an action line: an object value gets `_index` injected, a scalar fails the import.
            Hazard(id: "hazard-object", action: "write", body: #"{"index":{"a":1},"n":1}"#, written: true),
            Hazard(id: "hazard-number", action: "write", body: #"{"create":3,"n":2}"#, written: true),
            Hazard(id: "hazard-create", action: "create", body: #"{"delete":"x","n":3}"#, written: true),
            Hazard(id: "hazard-escaped", action: "write", body: #"{"upd\u0061te":null,"n":4}"#, written: true),
            // Only bulk:mWrite carries these writes intact.
            Hazard(id: "hazard-script", action: "write", body: #"{"n":5,"meta":{"script":null}}"#, written: true),
            Hazard(id: "hazard-only", action: "write", body: #"{"update":[1]}"#, written: true),
            // No route carries these intact: dead-lettered at routing.
            Hazard(id: "hazard-create-script", action: "create", body: #"{"n":6,"script":"x"}"#, written: false),
            Hazard(id: "hazard-update-script", action: "update", body: #"{"_script":{"source":"x"}}"#, written: false),
            Hazard(id: "hazard-create-only", action: "create", body: #"{"update":1}"#, written: false),
        ]

        @Test(
            "Documents bulk:import would take for action lines or refuse for a script key reach the stand-in intact or are dead-lettered with the reason; their collection is not stalled"
        )
        func hazardousDocumentsAreWrittenIntactOrDeadLettered() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("hazard")
            var generator = TestEventGenerator(
                seed: 0x5EED_0A11,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 300
            )
            let before = generator.next(2000)
            let after = generator.next(2000)
            let collection = names.collections[0]
            let hazardMessages = Self.hazards.map { hazard in
                let value =
                    #"{"index":"\#(names.index)","collection":"\#(collection)","_id":"\#(hazard.id)","#
                    + #""action":"\#(hazard.action)","body":\#(hazard.body)}"#
                return OutgoingMessage(key: Array(hazard.id.utf8), value: Array(value.utf8))
            }
            // The hazards among ordinary writes, updates and deletes of the same collection: their batches go as
            // bulk:import unless the bridge keeps them apart.
            let messages = before.map(\.message) + hazardMessages + after.map(\.message)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            let deliveries = try await producer.send(messages)
            await producer.close()
            let ends = highWatermarks(of: deliveries)

            var expected: [DocumentKey: Any] = [:]
            for (key, body) in generator.model.documents {
                let fields = body.keys.sorted().map { "\"\($0)\":\(body[$0]?.json ?? "null")" }
                expected[key] = try JSONSerialization.jsonObject(with: Data("{\(fields.joined(separator: ","))}".utf8))
            }
            for hazard in Self.hazards where hazard.written {
                let key = DocumentKey(index: names.index, collection: collection, id: hazard.id)
                expected[key] = try JSONSerialization.jsonObject(with: Data(hazard.body.utf8))
            }

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                let daemon = try DaemonProcess(
                    name: "bridge",
                    configuration: names.configuration(
                        bootstrap: bootstrap,
                        kuzzleURL: server.baseURL,
                        deadLetters: true
                    )
                )
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(60))
                try Self.expectStored(server, names: names, equals: expected)
                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()

                let refused = Self.hazards.filter { !$0.written }
                let letters = try await DeadLetterReader.read(
                    topic: names.deadLetterTopic,
                    bootstrap: bootstrap,
                    expected: refused.count
                )
                #expect(
                    letters.map { String(decoding: $0.key ?? [], as: UTF8.self) }.sorted() == refused.map(\.id).sorted()
                )
                for letter in letters {
                    let reason = letter.header("kuzzle-bridge-reason") ?? ""
                    #expect(letter.header("kuzzle-bridge-error") == "decoding:import-hazard", "\(letter.headers)")
                    #expect(reason.contains("no route can write it intact"), "\(reason)")
                    let id = String(decoding: letter.key ?? [], as: UTF8.self)
                    if id.hasSuffix("-script") {
                        #expect(reason.contains("script\" key"), "\(reason)")
                    } else {
                        #expect(reason.contains("starts with the key \"update\""), "\(reason)")
                    }
                }
            }
        }

        /// Expects the stand-in's collections to hold exactly `expected` (parsed JSON, `_kuzzle_info` left out).
        static func expectStored(
            _ server: StandInServer,
            names: ScenarioNames,
            equals expected: [DocumentKey: Any]
        ) throws {
            var actual: [DocumentKey: Any] = [:]
            for collection in names.collections {
                for (id, stored) in server.documents(index: names.index, collection: collection) {
                    var object = try #require(
                        try JSONSerialization.jsonObject(with: Data(stored.body)) as? [String: Any]
                    )
                    object["_kuzzle_info"] = nil
                    actual[DocumentKey(index: names.index, collection: collection, id: id)] = object
                }
            }
            var differences: [String] = []
            for key in Set(expected.keys).union(actual.keys).sorted() {
                let want = expected[key].map { $0 as? NSObject }
                let have = actual[key].map { $0 as? NSObject }
                guard want == have else {
                    differences.append(
                        "\(key): expected \(want.map { "\($0 as Any)" } ?? "absent"), found \(have.map { "\($0 as Any)" } ?? "absent")"
                    )
                    continue
                }
            }
            #expect(
                differences.isEmpty,
                "\(differences.count) document(s) differ:\n\(differences.prefix(10).joined(separator: "\n"))"
            )
        }
    }
}
