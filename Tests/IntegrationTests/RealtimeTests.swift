import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests {
    /// Issue 17 end to end: the real daemon, a real broker, the stand-in counting the notifications Kuzzle would send
    /// (realtime.md).
    @Suite("Realtime: notify, the document route, Kuzzle's limits")
    struct RealtimeTests {
        /// `count` writes of distinct ids to the scenario's first collection, and the state they leave.
        static func writes(
            _ names: ScenarioNames,
            count: Int,
            poisonAt: Int? = nil
        ) -> (messages: [OutgoingMessage], model: ExpectedState) {
            var model = ExpectedState()
            var messages: [OutgoingMessage] = []
            for number in 0..<count {
                let document = DocumentKey(index: names.index, collection: names.collections[0], id: "doc-\(number)")
                if number == poisonAt {
                    messages.append(
                        PoisonEvent(
                            kind: .rejectedByKuzzle,
                            index: names.index,
                            collection: names.collections[0],
                            id: document.id
                        ).message
                    )
                    continue
                }
                let event = TestEvent(document: document, action: .write, body: ["seq": .int(number)])
                model.apply(event)
                messages.append(event.message)
            }
            return (messages, model)
        }

        static func produce(
            _ messages: [OutgoingMessage],
            bootstrap: String,
            topic: String
        ) async throws -> [Int32: Int64] {
            let producer = try TestProducer(bootstrap: bootstrap, topic: topic)
            let ends = highWatermarks(of: try await producer.send(messages))
            await producer.close()
            return ends
        }

        /// How many notifications each notifying request produced, in request order.
        static func notificationsPerRequest(_ notifications: [StandInNotification]) -> [Int] {
            var counts: [Int: Int] = [:]
            for notification in notifications { counts[notification.request, default: 0] += 1 }
            return counts.keys.sorted().map { counts[$0] ?? 0 }
        }

        /// A configuration whose batches seal at `documents` (and wait long enough to get there).
        static func configuration(
            _ names: ScenarioNames,
            bootstrap: String,
            server: StandInServer,
            route: String,
            documents: Int,
            deadLetters: Bool = false
        ) -> DaemonConfiguration {
            var configuration = names.configuration(
                bootstrap: bootstrap,
                kuzzleURL: server.baseURL,
                deadLetters: deadLetters
            )
            configuration.route = route
            configuration.maxDocuments = documents
            configuration.maxWait = "5s"
            return configuration
        }

        @Test(
            "450 writes on route document: 3 requests (200/200/50), 450 create notifications carrying the volatile; a replay of the same events: 450 replace"
        )
        func documentRouteNotifiesCreatesThenReplaces() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("rt-doc")
            let (messages, model) = Self.writes(names, count: 450)
            let ends = try await Self.produce(messages, bootstrap: bootstrap, topic: names.topic)
            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = Self.configuration(
                    names,
                    bootstrap: bootstrap,
                    server: server,
                    route: "document",
                    documents: 450
                )
                let first = try DaemonProcess(name: "bridge", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try first.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: first, timeout: .seconds(90))
                await ScenarioChecks.expectCleanStop(first)
                await probe.close()
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: model.documents)
                #expect(server.counters.requests["document:mCreateOrReplace"] == 3, "\(server.counters)")
                let created = server.notifications
                #expect(Self.notificationsPerRequest(created) == [200, 200, 50])
                #expect(created.count == 450)
                #expect(created.allSatisfy { $0.action == "create" && $0.scope == "in" })
                #expect(Set(created.map(\.id)).count == 450)
                for notification in created {
                    let volatile = notification.volatileText ?? ""
                    #expect(volatile.contains("\"bridge\":\"\(names.group)@"), "\(volatile)")
                    #expect(volatile.contains("\"topic\":\"\(names.topic)\""), "\(volatile)")
                    #expect(volatile.contains("\"firstOffset\":"), "\(volatile)")
                }
                let stored = server.documents(index: names.index, collection: names.collections[0])
                #expect(stored.values.allSatisfy { $0.bodyText.contains("\"_kuzzle_info\"") })

                // The same events again, through another group: every notification says replace.
                configuration.group = names.group + "-replay"
                let replay = try DaemonProcess(name: "bridge-replay", configuration: configuration)
                let replayProbe = try OffsetsProbe(bootstrap: bootstrap, group: configuration.group, topic: names.topic)
                try replay.start()
                await ScenarioChecks.expectAllCommitted(replayProbe, ends, daemon: replay, timeout: .seconds(90))
                await ScenarioChecks.expectCleanStop(replay)
                await replayProbe.close()
                let replayed = server.notifications.dropFirst(450)
                #expect(replayed.count == 450)
                #expect(replayed.allSatisfy { $0.action == "replace" })
                #expect(
                    replayed.allSatisfy { $0.volatileText?.contains("\"bridge\":\"\(configuration.group)@") == true }
                )
            }
        }

        /// 200 writes, one refused by Kuzzle's mapping, with `writer.notify: true` (optionally strict forced on).
        static func notifyWithOneRefusal(
            forcingStrict: Bool
        ) async throws -> (
            notifications: [StandInNotification], deadLetters: [String]
        ) {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames(forcingStrict ? "rt-strict" : "rt-notify")
            let (messages, model) = Self.writes(names, count: 200, poisonAt: 117)
            let ends = try await Self.produce(messages, bootstrap: bootstrap, topic: names.topic)
            return try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                server.faults.rejectDocuments(
                    StandInDocumentRejection(field: PoisonEvent.rejectedField, value: PoisonEvent.rejectedValue)
                )
                var configuration = Self.configuration(
                    names,
                    bootstrap: bootstrap,
                    server: server,
                    route: "auto",
                    documents: 200,
                    deadLetters: true
                )
                configuration.notify = true
                let daemon = try DaemonProcess(
                    name: "bridge",
                    configuration: configuration,
                    executable: forcingStrict ? .testDaemon(flags: ["--force-strict"]) : .bridge
                )
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(90))
                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: model.documents)
                #expect(server.counters.documentsReceived["bulk:mWrite"] == 200, "written ones are never resent")
                let letters = try await DeadLetterReader.read(
                    topic: names.deadLetterTopic,
                    bootstrap: bootstrap,
                    expected: 1
                )
                return (server.notifications, letters.compactMap { $0.header("kuzzle-bridge-id") })
            }
        }

        @Test(
            "notify: true, one mapping-refused document among 200: 199 notifications, the refused one dead-lettered, offsets past it"
        )
        func notifyRunsWithoutStrict() async throws {
            let outcome = try await Self.notifyWithOneRefusal(forcingStrict: false)
            #expect(outcome.notifications.count == 199)
            #expect(!outcome.notifications.contains { $0.id == "doc-117" })
            #expect(outcome.notifications.allSatisfy { $0.requestAction == "bulk:mWrite" && $0.action == "create" })
            #expect(outcome.deadLetters == ["doc-117"])
        }

        @Test("Control: the same with strict forced on (test daemon) notifies nothing: the trap the design avoids")
        func strictSilencesTheBatch() async throws {
            let outcome = try await Self.notifyWithOneRefusal(forcingStrict: true)
            #expect(outcome.notifications.isEmpty)
            #expect(outcome.deadLetters == ["doc-117"])
        }

        @Test(
            "notify: true under auto: every write is notified even when deletes share its stretch of the stream; the deletes go through bulk:import, unnotified"
        )
        func notifyUnderAutoDoesNotDependOnNeighbours() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("rt-auto")
            let collection = names.collections[0]
            var model = ExpectedState()
            var messages: [OutgoingMessage] = []
            for number in 0..<300 {
                // Every third event deletes an id that was never written (a 404 on import: done).
                let delete = number % 3 == 2
                let document = DocumentKey(
                    index: names.index,
                    collection: collection,
                    id: delete ? "gone-\(number)" : "doc-\(number)"
                )
                let event = TestEvent(
                    document: document,
                    action: delete ? .delete : .write,
                    body: delete ? nil : ["seq": .int(number)]
                )
                model.apply(event)
                messages.append(event.message)
            }
            let ends = try await Self.produce(messages, bootstrap: bootstrap, topic: names.topic)
            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = Self.configuration(
                    names,
                    bootstrap: bootstrap,
                    server: server,
                    route: "auto",
                    documents: 1000
                )
                configuration.notify = true
                configuration.maxWait = "50ms"
                let daemon = try DaemonProcess(name: "bridge", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(90))
                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: model.documents)
                let notified = server.notifications
                #expect(notified.count == 200, "every write, and only the writes")
                #expect(notified.allSatisfy { $0.requestAction == "bulk:mWrite" && $0.action == "create" })
                #expect(server.counters.documentsReceived["bulk:import"] == 100, "\(server.counters)")
            }
        }

        /// 450 writes on the document route against a stand-in capped at 100 documents per request.
        static func cappedAt100(refusingCapabilities: Bool) async throws -> (requests: Int, log: String) {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames(refusingCapabilities ? "rt-413" : "rt-caps")
            let (messages, model) = Self.writes(names, count: 450)
            let ends = try await Self.produce(messages, bootstrap: bootstrap, topic: names.topic)
            return try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                server.setLimits(documentsWriteCount: 100, refusesCapabilities: refusingCapabilities)
                let configuration = Self.configuration(
                    names,
                    bootstrap: bootstrap,
                    server: server,
                    route: "document",
                    documents: 450
                )
                let daemon = try DaemonProcess(name: "bridge", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(90))
                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()
                try ScenarioChecks.expectFinalState(of: server, names: names, equals: model.documents)
                #expect(server.notifications.count == 450, "nothing lost")
                #expect(Self.notificationsPerRequest(server.notifications).allSatisfy { $0 <= 100 })
                return (server.counters.requests["document:mCreateOrReplace"] ?? 0, daemon.log)
            }
        }

        @Test("Kuzzle capped at 100 while the bridge would assume 200: learned from /_capabilities, no 413")
        func theCapIsReadFromCapabilities() async throws {
            let outcome = try await Self.cappedAt100(refusingCapabilities: false)
            #expect(outcome.requests == 5)
            #expect(outcome.log.contains("Kuzzle announced its limits"))
            #expect(!outcome.log.contains("write_limit_exceeded"))
        }

        @Test("With /_capabilities refused, the cap is learned from one 413, logged once, nothing lost")
        func theCapIsLearnedFromOne413() async throws {
            let outcome = try await Self.cappedAt100(refusingCapabilities: true)
            #expect(outcome.requests == 6, "one refused request of 200, then 100/100/100/100/50")
            let lines = outcome.log.split(separator: "\n").filter { $0.contains("413 write_limit_exceeded") }
            #expect(lines.count == 1, "\(lines)")
        }

        @Test(
            "500 deletes on route document: 3 mDelete requests, missing ids done, delete notifications for the others; _kuzzle_info in bodies gives way to Kuzzle's"
        )
        func documentRouteDeletes() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("rt-delete")
            let collection = names.collections[0]
            // 300 writes whose bodies carry a forged _kuzzle_info.
            let writes = (0..<300).map { number in
                OutgoingMessage(
                    key: Array("doc-\(number)".utf8),
                    value: Array(
                        (#"{"index":"\#(names.index)","collection":"\#(collection)","_id":"doc-\#(number)","#
                            + #""action":"write","body":{"n":\#(number),"_kuzzle_info":{"author":"forged","createdAt":1}}}"#)
                            .utf8
                    )
                )
            }
            var ends = try await Self.produce(writes, bootstrap: bootstrap, topic: names.topic)
            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                let configuration = Self.configuration(
                    names,
                    bootstrap: bootstrap,
                    server: server,
                    route: "document",
                    documents: 500
                )
                let daemon = try DaemonProcess(name: "bridge", configuration: configuration)
                let probe = try OffsetsProbe(bootstrap: bootstrap, group: names.group, topic: names.topic)
                try daemon.start()
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(90))
                let stored = server.documents(index: names.index, collection: collection)
                #expect(stored.count == 300)
                for document in stored.values {
                    let body = try JSONSerialization.jsonObject(with: Data(document.body)) as? [String: Any]
                    let info = body?["_kuzzle_info"] as? [String: Any]
                    #expect(info?["author"] as? String == "-1", "Kuzzle's author, not the forged one")
                    #expect((info?["createdAt"] as? Int ?? 0) > 1)
                }

                // 500 deletes: doc-0…doc-499, of which 200 never existed.
                let deletes = (0..<500).map { number in
                    TestEvent(
                        document: DocumentKey(index: names.index, collection: collection, id: "doc-\(number)"),
                        action: .delete,
                        body: nil
                    ).message
                }
                for (partition, end) in try await Self.produce(deletes, bootstrap: bootstrap, topic: names.topic) {
                    ends[partition] = max(ends[partition] ?? 0, end)
                }
                await ScenarioChecks.expectAllCommitted(probe, ends, daemon: daemon, timeout: .seconds(90))
                await ScenarioChecks.expectCleanStop(daemon)
                await probe.close()
                #expect(server.documents(index: names.index, collection: collection).isEmpty)
                #expect(server.counters.requests["document:mDelete"] == 3, "\(server.counters)")
                let deleted = server.notifications.filter { $0.action == "delete" }
                #expect(deleted.count == 300)
                #expect(Set(deleted.map(\.id)) == Set((0..<300).map { "doc-\($0)" }))
                #expect(deleted.allSatisfy { $0.scope == "out" && $0.requestAction == "document:mDelete" })
                #expect(!daemon.log.contains("Partition halted"))
            }
        }
    }
}
