import Foundation
import KuzzleStandIn
import RdKafka
import Testing

extension IntegrationTests {
    /// The external-version fence (`writer.fence: offset`, fence.md §2) against a full replay of a topic: a second
    /// consumer group reads every event again, as after an offset reset to earliest or a zombie member's retries.
    @Suite("External-version fence: replays")
    struct FenceReplayTests {
        /// Writes and deletes of 200 ids of one collection, keyed by id (one id, one partition), and what Kuzzle must
        /// hold after them: the last event per id wins.
        static func events(names: ScenarioNames) -> (messages: [OutgoingMessage], expected: [DocumentKey: DocumentBody])
        {
            var random = SeededGenerator(seed: 0x5EED_FE4C)
            var expected: [DocumentKey: DocumentBody] = [:]
            var messages: [OutgoingMessage] = []
            for sequence in 0..<2000 {
                let id = "doc-\(Int(random.next() % 200))"
                let key = DocumentKey(index: names.index, collection: names.collections[0], id: id)
                let event: TestEvent
                if random.next() % 5 == 0 {
                    event = TestEvent(document: key, action: .delete, body: nil)
                    expected[key] = nil
                } else {
                    let body: DocumentBody = ["seq": .int(sequence), "id": .string(id)]
                    event = TestEvent(document: key, action: .write, body: body)
                    expected[key] = body
                }
                messages.append(OutgoingMessage(key: event.key, value: event.value))
            }
            return (messages, expected)
        }

        /// The last `fenced_stale=N` of the daemon's stats lines.
        static func fencedStale(in log: String) -> Int? {
            log.components(separatedBy: "fenced_stale=").dropFirst().last.flatMap { Int($0.prefix { $0.isNumber }) }
        }

        /// Runs the scenario: one group consumes everything, then a second group replays the whole topic.
        /// - Returns: What the replay changed.
        static func replay(fence: String?) async throws -> ReplayOutcome {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames(fence == nil ? "replay-control" : "replay-fenced")
            let collection = names.collections[0]
            let (messages, expected) = Self.events(names: names)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            let ends = highWatermarks(of: try await producer.send(messages))
            await producer.close()

            // No collection pre-created: the bridge creates it (with index.gc_deletes when fenced).
            return try await StandInHelpers.withStandIn(index: names.index, collections: []) { server in
                var configuration = names.configuration(
                    bootstrap: bootstrap,
                    kuzzleURL: server.baseURL,
                    deadLetters: false
                )
                configuration.fence = fence
                configuration.fenceGCDeletes = "10m"
                configuration.createMissingCollections = true
                configuration.statsInterval = "1s"

                let first = try DaemonProcess(name: "bridge-first", configuration: configuration)
                let firstProbe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try first.start()
                await ScenarioChecks.expectAllCommitted(firstProbe, ends, daemon: first, timeout: .seconds(90))
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: expected)
                await ScenarioChecks.expectCleanStop(first)
                await firstProbe.close()
                #expect(!first.log.contains("Partition halted"), "\(first.tail())")

                let before = server.documents(index: names.index, collection: collection)
                let countersBefore = server.counters
                server.recordWrites()

                configuration.group = names.group + "-replay"
                let second = try DaemonProcess(name: "bridge-replay", configuration: configuration)
                let secondProbe = try OffsetsProbe(bootstrap: bootstrap, group: configuration.group, topic: names.topic)
                try second.start()
                await ScenarioChecks.expectAllCommitted(secondProbe, ends, daemon: second, timeout: .seconds(90))
                let countersAfter = server.counters
                let linesReceived =
                    countersAfter.documentsReceived.values.reduce(0, +)
                    - countersBefore.documentsReceived.values.reduce(0, +)
                let conflicts = countersAfter.versionConflicts - countersBefore.versionConflicts
                // The stats line comes every second: wait for the one that counts every stale line.
                let counted = await IntegrationEnvironment.eventually(timeout: .seconds(15)) {
                    Self.fencedStale(in: second.log) == conflicts
                }
                await ScenarioChecks.expectCleanStop(second)
                await secondProbe.close()
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: expected)
                return ReplayOutcome(
                    before: before,
                    after: server.documents(index: names.index, collection: collection),
                    linesReceived: linesReceived,
                    documentsWritten: countersAfter.documentsWritten - countersBefore.documentsWritten,
                    versionConflicts: conflicts,
                    fencedStaleCounted: counted ? conflicts : Self.fencedStale(in: second.log),
                    recordedWrites: server.recordedWrites,
                    gcDeletes: server.gcDeletes(index: names.index, collection: collection),
                    replayLog: second.tail()
                )
            }
        }

        struct ReplayOutcome {
            var before: [String: StoredDocument]
            var after: [String: StoredDocument]
            var linesReceived: Int
            var documentsWritten: Int
            var versionConflicts: Int
            var fencedStaleCounted: Int?
            var recordedWrites: [String]
            var gcDeletes: Duration
            var replayLog: String
        }

        @Test(
            "With writer.fence: offset, replaying the whole topic changes no document: every replayed line is answered 409 and counted fenced_stale"
        )
        func aFencedReplayChangesNothing() async throws {
            let outcome = try await Self.replay(fence: "offset")
            #expect(outcome.gcDeletes == .seconds(600), "the bridge created the collection with index.gc_deletes")
            #expect(outcome.linesReceived > 0, "the replay sent its lines")
            #expect(outcome.versionConflicts == outcome.linesReceived, "every replayed line answered 409")
            #expect(outcome.documentsWritten == 0)
            #expect(outcome.recordedWrites.isEmpty, "nothing stored or deleted: \(outcome.recordedWrites.prefix(10))")
            #expect(outcome.after.count == outcome.before.count)
            for (id, document) in outcome.before {
                #expect(outcome.after[id]?.version == document.version, "\(id): _version changed")
                #expect(outcome.after[id]?.body == document.body, "\(id): body changed")
            }
            #expect(
                outcome.fencedStaleCounted == outcome.versionConflicts,
                "the stats line counts every stale line\n\(outcome.replayLog)"
            )
        }

        @Test(
            "Control: without the fence the same replay rewrites every document (versions grow) and re-creates documents deleted later"
        )
        func anUnfencedReplayRewritesAndResurrects() async throws {
            let outcome = try await Self.replay(fence: nil)
            #expect(outcome.gcDeletes == .seconds(60), "no settings without a fence: Elasticsearch's default")
            #expect(outcome.versionConflicts == 0)
            #expect(outcome.documentsWritten > 0)
            for (id, document) in outcome.before {
                #expect((outcome.after[id]?.version ?? 0) > document.version, "\(id): the replay rewrote it")
            }
            let resurrected = Set(outcome.recordedWrites).subtracting(outcome.after.keys)
            #expect(!resurrected.isEmpty, "old versions of documents deleted later reappeared during the replay")
        }
    }
}
