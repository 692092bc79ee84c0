import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The optional HTTP endpoint (`health.listen`): `/health` (liveness: the pipeline's loop ticked and the consumer
/// polled recently), `/ready` (ready and not stopping) and `/metrics` (Prometheus text format, see ``BridgeMetrics``).
public final class HealthEndpoint: Sendable {
    /// How long without a heartbeat makes `/health` fail.
    public static let livenessWindow: Duration = .seconds(10)

    /// The metrics `/metrics` serves.
    public let metrics = BridgeMetrics()
    private let state = Mutex(State())
    private let channel = Mutex<(any Channel)?>(nil)

    private struct State {
        var lastHeartbeat: ContinuousClock.Instant?
        var isReady = false
        var isStopping = false
    }

    /// Creates an endpoint; nothing listens before ``start(host:port:)``.
    public init() {}

    /// Hooks that feed the endpoint from the pipeline.
    public var hooks: PipelineHooks {
        PipelineHooks(
            ready: { [self] in state.withLock { $0.isReady = true } },
            heartbeat: { [self] in state.withLock { $0.lastHeartbeat = .now } },
            stopping: { [self] in state.withLock { $0.isStopping = true } },
            statistics: { [metrics] in metrics.update($0) },
            batchWritten: { [metrics] in metrics.recordBatch(documents: $0, requestLatencies: $1) }
        )
    }

    /// The answer to a `GET` of `path`: HTTP status code and body.
    public func answer(path: String, now: ContinuousClock.Instant = .now) -> (status: Int, body: String) {
        let current = state.withLock { $0 }
        switch path.split(separator: "?").first.map(String.init) ?? path {
        case "/health":
            guard let beat = current.lastHeartbeat, now - beat <= Self.livenessWindow else {
                return (503, "not alive: no pipeline heartbeat within \(Self.livenessWindow)\n")
            }
            return (200, "alive\n")
        case "/ready":
            if current.isStopping { return (503, "stopping\n") }
            return current.isReady ? (200, "ready\n") : (503, "not ready\n")
        case "/metrics":
            return (200, metrics.render())
        default:
            return (404, "not found: try /health, /ready or /metrics\n")
        }
    }

    /// Starts listening.
    /// - Returns: The bound port (useful with port 0).
    /// - Throws: When the address cannot be bound.
    @discardableResult
    public func start(host: String, port: Int) async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(HealthRequestHandler(endpoint: self))
                }
            }
        let bound = try await bootstrap.bind(host: host, port: port).get()
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? port
    }

    /// Stops listening.
    public func stop() async {
        let bound = channel.withLock { channel -> (any Channel)? in
            defer { channel = nil }
            return channel
        }
        try? await bound?.close()
    }
}

/// Answers one HTTP/1.1 request at a time on a connection, from ``HealthEndpoint/answer(path:now:)``.
private final class HealthRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let endpoint: HealthEndpoint
    private var head: HTTPRequestHead?

    init(endpoint: HealthEndpoint) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let requestHead = head else { return }
            head = nil
            let (status, text) =
                requestHead.method == .GET || requestHead.method == .HEAD
                ? endpoint.answer(path: requestHead.uri) : (405, "GET only\n")
            var headers = HTTPHeaders()
            let isMetrics = requestHead.uri.hasPrefix("/metrics")
            headers.add(
                name: "Content-Type",
                value: isMetrics ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8"
            )
            headers.add(name: "Content-Length", value: "\(text.utf8.count)")
            let keepAlive = requestHead.isKeepAlive
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(
                wrapOutboundOut(
                    .head(
                        HTTPResponseHead(
                            version: requestHead.version,
                            status: HTTPResponseStatus(statusCode: status),
                            headers: headers
                        )
                    )
                ),
                promise: nil
            )
            if requestHead.method != .HEAD {
                context.write(
                    wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))),
                    promise: nil
                )
            }
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive {
                let channel = context.channel
                done.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
