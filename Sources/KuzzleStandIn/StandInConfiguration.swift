/// How a ``StandInServer`` listens, authenticates and limits requests.
public struct StandInConfiguration: Sendable {
    /// Who may call the API and with which credentials (kuzzle-api.md §6).
    public struct Authentication: Sendable {
        /// Whether requests without a token run as the anonymous user (`-1`).
        ///
        /// `true` is a fresh Kuzzle install; `false` is Kuzzle after `security:restrictDefaultRights`
        /// (anonymous may only log in and check tokens). Default: `true`.
        public var allowsAnonymous: Bool = true
        /// Local-strategy users, name → password. The user's kuid is its name. Default: none.
        public var users: [String: String] = [:]
        /// API key tokens accepted as `Authorization: Bearer <token>`, token → owner kuid. They never expire.
        /// Default: none.
        public var apiKeys: [String: String] = [:]
        /// Lifetime of tokens from `auth:login` and `auth:refreshToken` without `expiresIn`. Default: 1 hour.
        public var tokenLifetime: Duration = .seconds(3600)
        /// How long a refreshed token stays valid after `auth:refreshToken`. Default: 1 second (Kuzzle's `gracePeriod`).
        public var refreshGracePeriod: Duration = .seconds(1)

        /// Creates an authentication configuration.
        public init(
            allowsAnonymous: Bool = true,
            users: [String: String] = [:],
            apiKeys: [String: String] = [:],
            tokenLifetime: Duration = .seconds(3600)
        ) {
            self.allowsAnonymous = allowsAnonymous
            self.users = users
            self.apiKeys = apiKeys
            self.tokenLifetime = tokenLifetime
        }
    }

    /// PEM files for HTTPS.
    public struct TLS: Sendable {
        /// Path of the PEM certificate chain.
        public var certificatePath: String
        /// Path of the PEM private key.
        public var privateKeyPath: String

        /// Creates a TLS configuration from two PEM files.
        public init(certificatePath: String, privateKeyPath: String) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// One index/collection pair.
    public struct CollectionName: Sendable, Hashable {
        /// The index.
        public var index: String
        /// The collection.
        public var collection: String

        /// Creates a pair.
        public init(index: String, collection: String) {
            self.index = index
            self.collection = collection
        }
    }

    /// Address to bind. Default: `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free port (read it back from ``StandInServer/port``). Default: 0.
    public var port: Int = 0
    /// Whether every routed answer carries `Connection: close` and the connection is then closed, like real
    /// Kuzzle. `false` keeps connections alive unless the client asks otherwise. Default: `true`.
    public var connectionClose: Bool = true
    /// Maximum request size in received (possibly compressed) bytes, checked on `Content-Length` first, then
    /// while reading; above it the answer is a bare 413 `network.http.request_too_large`. Default: 1 MiB.
    public var maxRequestSize: Int = 1_048_576
    /// Authentication rules. Default: anonymous allowed, no users, no API keys.
    public var authentication = Authentication()
    /// HTTPS when set. Default: plain HTTP.
    public var tls: TLS?
    /// Collections (and their indexes) that exist from the start. Default: none.
    public var collections: [CollectionName] = []
    /// Event loop threads. Default: 1 (the throughput target is for one core).
    public var threads: Int = 1
    /// `limits.documentsWriteCount`: the most documents one document:m* request may write (mDelete: find); above it
    /// the request is refused with 413 `services.storage.write_limit_exceeded`. Reported by `GET /_capabilities`.
    /// Default: 200, Kuzzle's.
    public var documentsWriteCount: Int = 200
    /// `limits.concurrentRequests`, reported by `GET /_capabilities` (the stand-in does not queue). Default: 100.
    public var concurrentRequests: Int = 100
    /// `node` in every envelope and `X-Kuzzle-Node`. Default: a Kuzzle-looking node id.
    public var nodeID: String = "knode-standin-kuzzle-000001"

    /// Creates a configuration; every property can be changed afterwards.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        connectionClose: Bool = true,
        maxRequestSize: Int = 1_048_576,
        authentication: Authentication = Authentication(),
        tls: TLS? = nil,
        collections: [CollectionName] = []
    ) {
        self.host = host
        self.port = port
        self.connectionClose = connectionClose
        self.maxRequestSize = maxRequestSize
        self.authentication = authentication
        self.tls = tls
        self.collections = collections
    }
}
