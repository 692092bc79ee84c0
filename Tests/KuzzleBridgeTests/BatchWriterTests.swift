import AsyncHTTPClient
import Kuzzle
import KuzzleStandIn
import Logging
import Synchronization
import Testing

@testable import BridgeCore
@testable import KuzzleBridge

/// The writer against the Kuzzle stand-in over a socket: what it sends, retries, splits, bisects and refuses, and what
/// Kuzzle ends up holding.
@Suite(.timeLimit(.minutes(2))) struct BatchWriterTests {
    static let target = DocumentTarget(index: "shop", collection: "orders")

    /// A batch of the given (id, action, body) events at offsets 1, 2, … of partition 0 (writes coalesce as the
    /// accumulator makes them).
    static func batch(_ events: [(String, DocumentAction, String?)]) -> DocumentBatch {
        var batch = DocumentBatch(id: .init(rawValue: 1), target: target, openedAt: .now, requestOverhead: 20)
        for (offset, (id, action, body)) in events.enumerated() {
            let event = DocumentEvent(
                source: EventSource(topic: "orders", partition: 0, offset: Int64(offset + 1)),
                target: target,
                id: id,
                action: action,
                body: body.map { ArraySlice($0.utf8) }
            )
            batch.add(event, encodedSize: 20 + (body?.utf8.count ?? 0))
        }
        return batch
    }

    /// Runs `body` with a stand-in holding shop/orders and a writer pointed at it (fast retries).
    static func withWriter(
        route: WriterSettings.Route = .auto,
        createMissingCollections: Bool = false,
        hasDeadLetterTopic: Bool = false,
        retryOnConflict: Int = 3,
        collections: [StandInConfiguration.CollectionName] = [.init(index: "shop", collection: "orders")],
        client configure: (inout KuzzleClientConfiguration) -> Void = { _ in },
        _ body: (StandInServer, BatchWriter) async throws -> Void
    ) async throws {
        let server = try await StandInServer.start(StandInConfiguration(collections: collections))
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        var configuration = KuzzleClientConfiguration(url: server.baseURL, requestTimeout: .seconds(10))
        configure(&configuration)
        let client = KuzzleClient(configuration: configuration, httpClient: httpClient, logger: Logger(label: "test"))
        let writer = BatchWriter(
            client: client,
            route: route,
            retryPolicy: RetryPolicy(
                schedule: RetrySchedule(initialDelay: .milliseconds(1), maximumDelay: .milliseconds(5))
            ),
            createMissingCollections: createMissingCollections,
            hasDeadLetterTopic: hasDeadLetterTopic,
            options: KuzzleWriteOptions(),
            logger: Logger(label: "test"),
            retryOnConflict: retryOnConflict
        )
        do {
            try await body(server, writer)
        } catch {
            try await httpClient.shutdown()
            try await server.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        try await server.shutdown()
    }

    /// Writes `batch`, cancelling the write after `limit` (a writer that retries forever reports unfinished work).
    static func write(
        _ batch: DocumentBatch,
        with writer: BatchWriter,
        limit: Duration = .seconds(20)
    ) async
        -> BatchWriteReport
    {
        await withTaskGroup(of: BatchWriteReport?.self) { group in
            group.addTask { await writer.write(batch) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            var report: BatchWriteReport?
            while let next = await group.next() {
                if let next {
                    report = next
                    group.cancelAll()
                } else if report == nil {
                    group.cancelAll()
                }
            }
            return report!
        }
    }

    static func stored(_ server: StandInServer, _ id: String) -> String? {
        server.documents(index: "shop", collection: "orders")[id]?.bodyText
    }

    // MARK: - Issue 14 item 1: coalescing plus refusal

    @Test func aRefusedReplacingWriteFallsBackToTheVersionItReplaced() async throws {
        try await Self.withWriter { server, writer in
            server.faults.rejectDocuments(StandInDocumentRejection(field: "qty", value: "ten"))
            let batch = Self.batch([
                ("x", .write, #"{"qty":1}"#), ("y", .write, #"{"qty":2}"#), ("x", .write, #"{"qty":"ten"}"#),
            ])
            #expect(batch.documentCount == 2)
            let report = await Self.write(batch, with: writer)
            #expect(report.isFinished)
            #expect(Self.stored(server, "x") == #"{"qty":1}"#)
            #expect(Self.stored(server, "y") == #"{"qty":2}"#)
            #expect(report.rejections.count == 1)
            #expect(report.rejections.map(\.event.source.offset) == [3])
            #expect(report.haltReason == nil)
        }
    }

    // MARK: - Issue 14 item 13: writer.route mWrite refuses only what mWrite cannot carry

    @Test func mWriteRouteRefusesOnlyTheEventsItCannotCarry() async throws {
        try await Self.withWriter(route: .mWrite) { server, writer in
            let batch = Self.batch([("a", .write, #"{"n":1}"#), ("b", .delete, nil), ("c", .write, #"{"n":3}"#)])
            let report = await Self.write(batch, with: writer)
            #expect(report.isFinished)
            #expect(Self.stored(server, "a") == #"{"n":1}"#)
            #expect(Self.stored(server, "c") == #"{"n":3}"#)
            #expect(report.rejections.map(\.position) == [1])
            #expect(Set(report.writtenPositions) == [0, 2])
        }
    }

    // MARK: - Issue 14 item 5: a whole-request failure that repeats identically is bisected

    @Test func aRepeating500IsBisectedDownToTheDocumentAtFault() async throws {
        try await Self.withWriter(route: .import) { server, writer in
            // `"script": null` makes bulk:import fail as a whole with 500, on every attempt (kuzzle-api.md §4.2).
            let batch = Self.batch([
                ("a", .write, #"{"n":1}"#), ("b", .write, #"{"n":2}"#), ("bad", .write, #"{"script":null}"#),
                ("d", .write, #"{"n":4}"#),
            ])
            let report = await Self.write(batch, with: writer, limit: .seconds(15))
            #expect(report.isFinished)
            #expect(report.rejections.map(\.position) == [2])
            #expect(report.rejections.first?.status == 500)
            for id in ["a", "b", "d"] { #expect(Self.stored(server, id) != nil) }
        }
    }

    // MARK: - Issue 14 item 8: a dropped connection on a large body is not "too large"

    @Test func connectionDropsWhileSendingALargeBodyDoNotDeadLetterValidDocuments() async throws {
        try await Self.withWriter(client: { $0.resetMeansTooLargeAboveBytes = 10 }) { server, writer in
            // A Kuzzle restart: the next requests lose their connection, then it answers again.
            server.faults.dropConnections(.beforeWrite, count: 2)
            let batch = Self.batch([("a", .write, #"{"n":1}"#), ("b", .write, #"{"n":2}"#)])
            let report = await Self.write(batch, with: writer)
            #expect(report.isFinished)
            #expect(report.rejections.isEmpty)
            #expect(Self.stored(server, "a") != nil)
            #expect(Self.stored(server, "b") != nil)
        }
    }

    // MARK: - Issue 14 item 9: 412 with a dead-letter topic dead-letters instead of halting

    @Test func anUnknownCollectionDeadLettersWhenADeadLetterTopicIsConfigured() async throws {
        try await Self.withWriter(hasDeadLetterTopic: true, collections: [.init(index: "shop", collection: "other")]) {
            _,
            writer in
            let batch = Self.batch([("a", .write, #"{"n":1}"#), ("b", .write, #"{"n":2}"#)])
            let report = await Self.write(batch, with: writer)
            #expect(report.isFinished)
            #expect(report.haltReason == nil)
            #expect(report.rejections.map(\.status) == [412, 412])
            #expect(report.rejections.first?.errorID == "services.storage.unknown_collection")
        }
    }

    @Test func anUnknownCollectionHaltsWithoutADeadLetterTopic() async throws {
        try await Self.withWriter(collections: [.init(index: "shop", collection: "other")]) { _, writer in
            let batch = Self.batch([("a", .write, #"{"n":1}"#)])
            let report = await Self.write(batch, with: writer)
            #expect(report.isFinished)
            #expect(report.haltReason != nil)
            #expect(report.rejections.count == 1)
        }
    }

    // MARK: - Issue 14 item 4: an update that lost a race is retried

    @Test func anUpdateRefusedWithAConflictIsRetriedAndApplied() async throws {
        try await Self.withWriter(retryOnConflict: 0) { server, writer in
            let seed = await Self.write(Self.batch([("x", .write, #"{"a":1}"#)]), with: writer)
            #expect(seed.isFinished)
            // The next update meets a concurrent write between Elasticsearch's get and index: 409, not applied.
            server.faults.conflictUpdates(1)
            let report = await Self.write(Self.batch([("x", .update, #"{"b":2}"#)]), with: writer)
            #expect(report.isFinished)
            #expect(report.rejections.isEmpty)
            #expect(report.retries == 1)
            #expect(Self.stored(server, "x")?.contains(#""b":2"#) == true)
        }
    }

    @Test func retryOnConflictLetsElasticsearchAbsorbTheConflict() async throws {
        try await Self.withWriter(retryOnConflict: 3) { server, writer in
            _ = await Self.write(Self.batch([("x", .write, #"{"a":1}"#)]), with: writer)
            server.faults.conflictUpdates(2)
            let report = await Self.write(Self.batch([("x", .update, #"{"b":2}"#)]), with: writer)
            #expect(report.isFinished)
            #expect(report.retries == 0)
            #expect(report.requests == 1)
            #expect(Self.stored(server, "x")?.contains(#""b":2"#) == true)
        }
    }

    // MARK: - Issue 14 item 14 and the send-time lease

    @Test func retriesAreObservedAsTheyHappen() async throws {
        try await Self.withWriter { server, writer in
            server.faults.failNextRequests(3, with: .overloaded)
            let observed = Counter()
            var writer = writer
            writer.observeRetry = { observed.increment() }
            let report = await Self.write(Self.batch([("a", .write, #"{"n":1}"#)]), with: writer)
            #expect(report.isFinished)
            #expect(report.retries == 3)
            #expect(observed.value == 3)
        }
    }

    @Test func aWriteStopsAtOnceWhenItMayNoLongerSend() async throws {
        try await Self.withWriter { server, writer in
            server.faults.failNextRequests(1, with: .overloaded)
            let sends = Counter()
            var writer = writer
            writer.mayStillSend = { _ in
                sends.increment()
                return sends.value <= 1
            }
            let report = await Self.write(
                Self.batch([("a", .write, #"{"n":1}"#), ("b", .write, #"{"n":2}"#)]),
                with: writer
            )
            #expect(report.abandoned)
            #expect(report.unfinishedPositions == [0, 1])
            #expect(report.requests == 1, "nothing was sent once the lease said no")
            #expect(Self.stored(server, "a") == nil)
        }
    }
}

/// A thread-safe counter for callbacks.
final class Counter: Sendable {
    private let storage = Mutex(0)
    func increment() { storage.withLock { $0 += 1 } }
    var value: Int { storage.withLock { $0 } }
}
