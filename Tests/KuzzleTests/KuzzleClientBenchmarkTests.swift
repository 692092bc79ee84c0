import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Testing

@testable import Kuzzle

/// Opt-in timing of the client's CPU work per document (set `KB_CLIENT_BENCH=1`). Prints figures, asserts only
/// that the work was done (speed assertions belong to Benchmarks/).
@Suite(.enabled(if: ProcessInfoEnvironment.value("KB_CLIENT_BENCH") == "1"), .serialized)
struct KuzzleClientBenchmarkTests {
    static let documentCount = 1_000
    static let iterations = 100

    /// 1 000 index operations with ~180-byte bodies.
    static let operations: [KuzzleBulkOperation] = (0..<documentCount).map { index in
        KuzzleBulkOperation(
            id: "order-\(index)-2026",
            action: .index,
            body: ArraySlice(
                (#"{"customer":"c\#(index % 97)","status":"shipped","qty":\#(index % 13),"total":\#(index).25,"#
                    + #""lines":[{"sku":"A-\#(index)","n":1},{"sku":"B-\#(index)","n":2}],"note":"fragile, keep dry"}"#)
                    .utf8
            )
        )
    }

    /// A 200 answer echoing every `_source`, as bulk:mWrite sends without strict.
    static let successAnswer: ByteBuffer = {
        var buffer = ByteBuffer()
        buffer.writeString(
            #"{"action":"mWrite","collection":"orders","controller":"bulk","error":null,"headers":{},"index":"shop","#
                + #""node":"knode-x","requestId":"r","result":{"errors":[],"successes":["#
        )
        for (position, operation) in operations.enumerated() {
            if position > 0 { buffer.writeString(",") }
            buffer.writeString(#"{"_id":""# + operation.id + #"","_source":"#)
            buffer.writeBytes(operation.body ?? [])
            buffer.writeString(#","_version":1}"#)
        }
        buffer.writeString(#"]},"status":200,"volatile":null}"#)
        return buffer
    }()

    /// A strict 400 answer listing every tenth document as a mapping failure (with its `_source` echoed).
    static let strictFailureAnswer: ByteBuffer = {
        var buffer = ByteBuffer()
        buffer.writeString(
            #"{"action":"mWrite","collection":"orders","controller":"bulk","error":{"code":33685514,"#
                + #""id":"api.process.incomplete_multiple_request","message":"At least one of the write actions failed.","#
                + #""props":["write"],"status":400,"count":100,"errors":["#
        )
        for position in stride(from: 0, to: documentCount, by: 10) {
            if position > 0 { buffer.writeString(",") }
            buffer.writeString(#"{"document":{"_source":"#)
            buffer.writeBytes(operations[position].body ?? [])
            buffer.writeString(
                #","_id":""# + operations[position].id
                    + #""},"reason":"failed to parse field [qty] of type [integer]","status":400}"#
            )
        }
        buffer.writeString(
            #"]},"headers":{},"index":"shop","node":"knode-x","requestId":"r","result":null,"status":400}"#
        )
        return buffer
    }()

    /// Prints and returns nanoseconds per document of `work`, the best of `iterations` runs.
    static func measure(_ label: String, bytes: Int, _ work: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000)
        for _ in 0..<iterations {
            let elapsed = try clock.measure(work)
            if elapsed < best { best = elapsed }
        }
        let nanoseconds = Double(best.components.attoseconds) / 1e9 + Double(best.components.seconds) * 1e9
        let perDocument = nanoseconds / Double(documentCount)
        print(
            "KB_CLIENT_BENCH \(label): \(Int(perDocument)) ns/document (\(bytes) bytes per batch, best of \(iterations))"
        )
        return perDocument
    }

    @Test func buildingAThousandDocumentMWriteBody() {
        var size = 0
        let perDocument = Self.measure(
            "build mWrite body",
            bytes: KuzzleRequestBody.encodedSize(of: Self.operations, route: .mWrite)
        ) {
            size = KuzzleRequestBody.make(Self.operations, route: .mWrite).readableBytes
        }
        #expect(size == KuzzleRequestBody.encodedSize(of: Self.operations, route: .mWrite))
        #expect(perDocument > 0)
    }

    @Test func gzippingAThousandDocumentMWriteBody() throws {
        let body = KuzzleRequestBody.make(Self.operations, route: .mWrite)
        var compressedSize = 0
        _ = try Self.measure("gzip mWrite body", bytes: body.readableBytes) {
            compressedSize = try GzipCompressor.compress(body).readableBytes
        }
        print("KB_CLIENT_BENCH gzip ratio: \(body.readableBytes) → \(compressedSize) bytes")
        #expect(compressedSize < body.readableBytes)
    }

    @Test func parsingAnswers() async throws {
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let client = KuzzleClient(
            configuration: KuzzleClientConfiguration(url: "http://127.0.0.1:7512"),
            httpClient: httpClient,
            logger: Logger(label: "bench")
        )
        do {
            try Self.measureParsing(client)
        } catch {
            try await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    static func measureParsing(_ client: KuzzleClient) throws {
        var written = 0
        _ = try Self.measure("parse success answer", bytes: Self.successAnswer.readableBytes) {
            let answer = KuzzleClient.HTTPAnswer(status: 200, body: Self.successAnswer)
            written = try client.decodeBulkAnswer(answer, route: .mWrite, sent: Self.operations).count {
                $0 == .written
            }
        }
        #expect(written == Self.documentCount)
        var failed = 0
        _ = try Self.measure(
            "parse strict failure answer (100 failures)",
            bytes: Self.strictFailureAnswer.readableBytes
        ) {
            let answer = KuzzleClient.HTTPAnswer(status: 400, body: Self.strictFailureAnswer)
            failed = try client.decodeBulkAnswer(answer, route: .mWrite, sent: Self.operations).count { $0 != .written }
        }
        #expect(failed == 100)
    }
}

/// Reads the process environment.
enum ProcessInfoEnvironment {
    static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name]
    }
}
