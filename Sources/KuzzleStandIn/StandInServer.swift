import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import Synchronization

/// A server speaking Kuzzle 2's HTTP API (kuzzle-api.md) over a real socket, with a control surface for tests.
///
/// ```swift
/// let server = try await StandInServer.start(StandInConfiguration(collections: [.init(index: "shop", collection: "orders")]))
/// defer { Task { try await server.shutdown() } }
/// // POST \(server.baseURL)/shop/orders/_mWrite …
/// server.faults.failNextRequests(1, with: .overloaded)
/// ```
public final class StandInServer: Sendable {
    let state: StandInState
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    /// The bound port (the real one when the configuration asked for port 0).
    public let port: Int
    /// `http://host:port` or `https://host:port`, without trailing slash.
    public let baseURL: String

    private init(state: StandInState, group: MultiThreadedEventLoopGroup, channel: any Channel, port: Int) {
        self.state = state
        self.group = group
        self.channel = channel
        self.port = port
        let scheme = state.configuration.tls == nil ? "http" : "https"
        let host = state.configuration.host.contains(":") ? "[\(state.configuration.host)]" : state.configuration.host
        self.baseURL = "\(scheme)://\(host):\(port)"
    }

    /// Starts a stand-in and returns once it listens.
    /// - Throws: If TLS files cannot be loaded or the address cannot be bound.
    public static func start(_ configuration: StandInConfiguration) async throws -> StandInServer {
        let state = StandInState(configuration: configuration)
        let sslContext: NIOSSLContext? = try configuration.tls.map { tls in
            let certificates = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
            let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
            let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificates.map { .certificate($0) },
                privateKey: .privateKey(key)
            )
            return try NIOSSLContext(configuration: tlsConfiguration)
        }
        let processor = RequestProcessor(state: state)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(RequestSizeGuard(maximumSize: configuration.maxRequestSize))
                    try pipeline.addHandler(NIOHTTPRequestDecompressor(limit: .none))
                    try pipeline.addHandler(StandInHTTPHandler(processor: processor))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            let port = channel.localAddress?.port ?? configuration.port
            return StandInServer(state: state, group: group, channel: channel, port: port)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening, closes every connection and releases the threads.
    public func shutdown() async throws {
        faults.clear()
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    // MARK: - Control surface (thread-safe; Kuzzle has no equivalent)

    /// Fault injection.
    public var faults: StandInFaultControl { StandInFaultControl(state: state) }

    /// Requests and documents counted so far.
    public var counters: StandInCounters { state.counters.withLock { $0 } }

    /// Creates a collection (and its index), like `PUT /{index}/{collection}` without auth or faults.
    public func createCollection(index: String, collection: String) {
        state.store.withLock { $0.createCollection(index: index, collection: collection) }
    }

    /// The documents of a collection, id → body and `_version` (empty if the collection does not exist).
    public func documents(index: String, collection: String) -> [String: StoredDocument] {
        state.store.withLock { $0.documents(index: index, collection: collection) }
    }

    /// Starts recording (or restarts with an empty record) the id of every document stored or deleted, in write
    /// order, like `POST /_standin/write-log`.
    public func recordWrites() {
        state.store.withLock { $0.writeLog = [] }
    }

    /// The ids stored or deleted since ``recordWrites()``, in write order (empty when not recording).
    public var recordedWrites: [String] {
        state.store.withLock { ($0.writeLog ?? []).map(\.id) }
    }

    /// How long a versioned delete's tombstone lives in the collection (its `index.gc_deletes`: Elasticsearch's 60 s
    /// unless collection:create's settings or the control route set it).
    public func gcDeletes(index: String, collection: String) -> Duration {
        .milliseconds(state.store.withLock { $0.tombstones.lifetime(index: index, collection: collection) })
    }

    /// The realtime notifications Kuzzle would have sent so far, in order (realtime.md).
    public var notifications: [StandInNotification] { state.notifications.withLock { $0.notifications } }

    /// Changes Kuzzle's limits: `documentsWriteCount` (document:m* requests), and whether `/_capabilities` answers
    /// 404 as a Kuzzle older than 2.17 does (`nil` leaves a value as it is). ``reset()`` restores the configured ones.
    public func setLimits(documentsWriteCount: Int? = nil, refusesCapabilities: Bool? = nil) {
        state.limits.withLock { limits in
            if let documentsWriteCount { limits.documentsWriteCount = documentsWriteCount }
            if let refusesCapabilities { limits.refusesCapabilities = refusesCapabilities }
        }
    }

    /// Back to the configured start: pre-created collections only, no documents, tokens, faults or counts.
    public func reset() {
        state.reset()
    }
}
