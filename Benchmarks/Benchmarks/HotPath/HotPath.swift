import Benchmark
import BridgeCore
@_spi(Benchmarks) import Kuzzle
import NIOCore

/// Hot-path micro benchmarks. Every measured iteration handles 1,000 events (`scalingFactor: .kilo`), so
/// `swift package --package-path Benchmarks benchmark --scale` prints time and mallocs per event.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    Benchmark("Routing scan of an envelope event") { benchmark in
        let router = EventRouter()
        let routing = TopicRouting()
        let records = HotPathFixtures.records
        benchmark.startMeasurement()
        for position in benchmark.scaledIterations {
            blackHole(try? router.route(records[position], routing: routing))
        }
    }

    Benchmark("Accumulator append (batches sealed at 1000 documents)") { benchmark in
        var accumulator = BatchAccumulator(limits: BatchLimits())
        let events = HotPathFixtures.events
        let now = ContinuousClock.now
        benchmark.startMeasurement()
        for position in benchmark.scaledIterations {
            blackHole(accumulator.append(events[position], encodedSize: 560, now: now))
        }
        blackHole(accumulator.sealAll())
    }

    Benchmark("Offset tracker receive and batch completion") { benchmark in
        var tracker = OffsetTracker()
        let partition = HotPathFixtures.partition
        let epoch = tracker.assigned([partition])
        let sources = HotPathFixtures.events.map { event in
            var source = event.source
            source.epoch = epoch
            return source
        }
        benchmark.startMeasurement()
        for position in benchmark.scaledIterations {
            blackHole(tracker.received(partition, offset: Int64(position), bytes: 640))
        }
        blackHole(tracker.completed(sources))
    }

    Benchmark("bulk:mWrite body build (1000 documents)") { benchmark in
        let operations = HotPathFixtures.operations
        benchmark.startMeasurement()
        blackHole(KuzzleRequestBody.make(operations, route: .mWrite))
    }

    Benchmark("bulk:import body build (1000 documents)") { benchmark in
        let operations = HotPathFixtures.operations
        benchmark.startMeasurement()
        blackHole(KuzzleRequestBody.make(operations, route: .importBulk))
    }

    Benchmark("Strict mWrite answer parse (1000 successes)") { benchmark in
        let operations = HotPathFixtures.operations
        let answer = HotPathFixtures.mWriteAnswer
        benchmark.startMeasurement()
        blackHole(KuzzleBulkAnswerDecoding.outcomes(ofSuccessAnswer: answer, route: .mWrite, sent: operations))
    }
}

/// Inputs shaped like the end-to-end benchmark's events: ~500-byte bodies, three collections, one partition.
enum HotPathFixtures {
    static let partition = TopicPartition(topic: "bench", partition: 0)
    static let collections = ["orders", "customers", "products"]

    static func value(_ position: Int) -> [UInt8] {
        let note = String(repeating: "abcdefghij klmnopqrst uvwxyz0123 ", count: 12)
        let body =
            #"{"seq":\#(position),"kind":"bench","price":\#(position % 997),"qty":\#(position % 13),"#
            + #""tags":["a","b","c"],"note":"\#(note)"}"#
        let envelope =
            #"{"index":"bench","collection":"\#(collections[position % 3])","_id":"doc-\#(position)","#
            + #""action":"write","body":\#(body)}"#
        return Array(envelope.utf8)
    }

    static let records: [SourceRecord] = (0..<1000).map { position in
        SourceRecord(
            topic: partition.topic,
            partition: partition.partition,
            offset: Int64(position),
            key: Array("doc-\(position)".utf8),
            value: value(position)
        )
    }

    static let events: [DocumentEvent] = records.compactMap { record in
        try? EventRouter().route(record, routing: TopicRouting())
    }

    static let operations: [KuzzleBulkOperation] = events.map { event in
        KuzzleBulkOperation(id: event.id, action: .index, body: event.body)
    }

    /// What Kuzzle answers to a fully successful strict mWrite of ``operations``.
    static let mWriteAnswer: ByteBuffer = {
        var text = #"{"requestId":"r1","status":200,"error":null,"controller":"bulk","action":"mWrite","#
        text += #""collection":"orders","index":"bench","volatile":null,"result":{"errors":[],"successes":["#
        for (position, operation) in operations.enumerated() {
            if position > 0 { text += "," }
            let body = String(decoding: operation.body ?? [], as: UTF8.self)
            text += #"{"_id":"\#(operation.id)","_source":\#(body),"_version":1}"#
        }
        text += "]}}"
        return ByteBuffer(string: text)
    }()
}
