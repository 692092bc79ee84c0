import NIOCore
import NIOHTTP1
import NIOPosix

/// A loopback load generator for the stand-in's hot path: `bulk:mWrite` of 1,000 documents of ~500 bytes,
/// from a few concurrent connections. Used by `kuzzle-standin --self-bench` and the opt-in throughput test.
public struct StandInLoadGenerator: Sendable {
    /// What a run measured.
    public struct Report: Sendable, CustomStringConvertible {
        /// Documents acknowledged by HTTP 200 answers.
        public var documents: Int
        /// Requests answered with HTTP 200.
        public var requests: Int
        /// Requests answered with another status.
        public var failedRequests: Int
        /// Wall time of the run.
        public var elapsed: Duration

        /// Acknowledged documents per second.
        public var documentsPerSecond: Double {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return seconds > 0 ? Double(documents) / seconds : 0
        }

        /// A one-line summary.
        public var description: String {
            let rate = Int(documentsPerSecond.rounded())
            return "stand-in mWrite throughput: \(rate) documents/s (\(requests) requests of 1000 documents, "
                + "\(failedRequests) failed, \(elapsed))"
        }
    }

    /// Port of the stand-in on 127.0.0.1.
    public var port: Int
    /// How long to send requests.
    public var seconds: Int
    /// Concurrent connections.
    public var connections: Int
    /// Reuse connections (else one connection per request, like clients of real Kuzzle).
    public var keepAlive: Bool
    /// Target index and collection (must exist).
    public var index = "bench"
    /// Target collection.
    public var collection = "docs"
    /// Documents per request.
    public var documentsPerRequest = 1000

    /// Creates a load generator.
    public init(port: Int, seconds: Int, connections: Int, keepAlive: Bool) {
        self.port = port
        self.seconds = seconds
        self.connections = connections
        self.keepAlive = keepAlive
    }

    /// Sends requests for ``seconds`` and reports.
    public func run() async throws -> Report {
        let bodies = (0..<8).map { makeBody(batch: $0) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .seconds(seconds))
        let totals = try await withThrowingTaskGroup(of: (Int, Int).self) { tasks in
            for worker in 0..<connections {
                tasks.addTask {
                    try await sendUntil(deadline, worker: worker, bodies: bodies, group: group)
                }
            }
            var totals = (ok: 0, failed: 0)
            for try await (ok, failed) in tasks {
                totals.ok += ok
                totals.failed += failed
            }
            return totals
        }
        let elapsed = clock.now - start
        try await group.shutdownGracefully()
        return Report(
            documents: totals.ok * documentsPerRequest,
            requests: totals.ok,
            failedRequests: totals.failed,
            elapsed: elapsed
        )
    }

    private func makeBody(batch: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        let filler = String(repeating: "x", count: 380)
        buffer.writeString("{\"documents\":[")
        for position in 0..<documentsPerRequest {
            if position > 0 { buffer.writeString(",") }
            buffer.writeString(
                "{\"_id\":\"doc-\(batch)-\(position)\",\"body\":{\"orderId\":\"order-\(batch)-\(position)\","
                    + "\"customer\":{\"name\":\"Ada Lovelace\",\"city\":\"London\"},\"quantity\":\(position % 17),"
                    + "\"price\":\(Double(position) * 1.25),\"paid\":true,\"notes\":\"\(filler)\"}}"
            )
        }
        buffer.writeString("]}")
        return buffer
    }

    private func sendUntil(
        _ deadline: ContinuousClock.Instant,
        worker: Int,
        bodies: [ByteBuffer],
        group: MultiThreadedEventLoopGroup
    ) async throws -> (Int, Int) {
        var ok = 0
        var failed = 0
        var sent = worker
        while ContinuousClock.now < deadline {
            let channel = try await connect(group: group)
            try await channel.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                repeat {
                    let body = bodies[sent % bodies.count]
                    sent += 1
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "127.0.0.1")
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: String(body.readableBytes))
                    if !keepAlive { headers.add(name: "Connection", value: "close") }
                    let head = HTTPRequestHead(
                        version: .http1_1,
                        method: .POST,
                        uri: "/\(index)/\(collection)/_mWrite",
                        headers: headers
                    )
                    try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(body)), .end(nil)])
                    var status = 0
                    while let part = try await responses.next() {
                        if case .head(let responseHead) = part { status = Int(responseHead.status.code) }
                        if case .end = part { break }
                    }
                    if status == 200 { ok += 1 } else { failed += 1 }
                } while keepAlive && ContinuousClock.now < deadline
            }
        }
        return (ok, failed)
    }

    private func connect(
        group: MultiThreadedEventLoopGroup
    ) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
    }
}
