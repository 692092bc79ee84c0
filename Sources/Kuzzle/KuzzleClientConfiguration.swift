import AsyncHTTPClient
import NIOCore
import NIOSSL

/// How a ``KuzzleClient`` reaches and authenticates to one Kuzzle 2 server.
///
/// `description` masks every secret, so the configuration can be logged.
public struct KuzzleClientConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// How requests are authenticated (kuzzle-api.md §6).
    public enum Authentication: Sendable, Hashable, CustomStringConvertible {
        /// No token: Kuzzle's anonymous user (`-1`).
        case anonymous
        /// An API key (`kapikey-…`) sent as `Authorization: Bearer`. A 401 with it is fatal (keys are not refreshed).
        case apiKey(String)
        /// `POST /_login/local` with these credentials; the token is refreshed before it expires and a fresh login
        /// (without the stale header) follows a 401 `security.token.expired`/`invalid`.
        case login(username: String, password: String)

        /// The kind of authentication, secrets masked.
        public var description: String {
            switch self {
            case .anonymous: "anonymous"
            case .apiKey: "apiKey(***)"
            case .login(let username, _): "login(username: \(username), password: ***)"
            }
        }
    }

    /// Whether bulk writes wait for the Elasticsearch refresh (kuzzle-api.md §1, §10.10).
    public enum Refresh: Sendable, Hashable {
        /// Do not wait (no `refresh` argument).
        case none
        /// `refresh=wait_for`: the answer comes once the writes are searchable (~1 s later). Never needed for correctness.
        case waitFor
    }

    /// The base URL, `http://host:7512` or `https://…`; a path prefix (reverse proxy) is kept. Default: none.
    public var url: String
    /// How requests are authenticated. Default: ``Authentication/anonymous``.
    public var authentication: Authentication
    /// Deadline of each HTTP request, from sending to the whole answer. Default: 30 seconds.
    public var requestTimeout: Duration
    /// A PEM file of CA certificates to trust for https (e.g. a self-signed Kuzzle). `nil` trusts the system roots.
    /// Default: `nil`.
    public var caFile: String?
    /// Compress request bodies with gzip (`Content-Encoding: gzip`). Kuzzle checks its size limit on the compressed
    /// bytes, so batches carry more documents. Default: `false`.
    public var gzipRequests: Bool
    /// The largest request body the client sends, counted on the bytes actually sent (after gzip). Keep it at or
    /// below Kuzzle's `server.maxRequestSize`. A body above it is refused with ``KuzzleError/Kind/tooLarge``
    /// without being sent. Default: 1 048 576 (Kuzzle's "1MB").
    public var maximumRequestBytes: Int
    /// The largest response body the client reads (success answers echo every document). Default: 64 MiB.
    public var maximumResponseBytes: Int
    /// Whether bulk writes wait for refresh. Default: ``Refresh/none``.
    public var refresh: Refresh
    /// With login authentication, refresh the token this long before it expires. Default: 5 minutes.
    public var tokenRefreshMargin: Duration
    /// Lifetime requested for login tokens (`expiresIn`, e.g. `"1h"`); `nil` keeps Kuzzle's default (1 h).
    /// Default: `nil`.
    public var tokenLifetime: String?
    /// The body size from which a connection reset or close that repeats at the same size is taken for a body Kuzzle
    /// refuses unread (it answers 413 without reading the body, and the client may only see the reset): the bridge's
    /// write policy then splits the batch. A single drop is never taken for one (a restarting Kuzzle drops
    /// connections too). Default: 65 536.
    public var resetMeansTooLargeAboveBytes: Int
    /// The `User-Agent` header of every request: Kuzzle's logs (and the test stand-in) tell the writers apart by it.
    /// Default: `kuzzle-bridge`.
    public var userAgent = "kuzzle-bridge"

    /// Creates a configuration; every parameter but `url` has the default documented on its property.
    public init(
        url: String,
        authentication: Authentication = .anonymous,
        requestTimeout: Duration = .seconds(30),
        caFile: String? = nil,
        gzipRequests: Bool = false,
        maximumRequestBytes: Int = 1_048_576,
        maximumResponseBytes: Int = 64 * 1_048_576,
        refresh: Refresh = .none,
        tokenRefreshMargin: Duration = .seconds(300),
        tokenLifetime: String? = nil,
        resetMeansTooLargeAboveBytes: Int = 65_536
    ) {
        self.url = url
        self.authentication = authentication
        self.requestTimeout = requestTimeout
        self.caFile = caFile
        self.gzipRequests = gzipRequests
        self.maximumRequestBytes = maximumRequestBytes
        self.maximumResponseBytes = maximumResponseBytes
        self.refresh = refresh
        self.tokenRefreshMargin = tokenRefreshMargin
        self.tokenLifetime = tokenLifetime
        self.resetMeansTooLargeAboveBytes = resetMeansTooLargeAboveBytes
    }

    /// One line for logs; secrets are masked.
    public var description: String {
        "KuzzleClientConfiguration(url: \(url), authentication: \(authentication), requestTimeout: \(requestTimeout), "
            + "caFile: \(caFile ?? "none"), gzipRequests: \(gzipRequests), maximumRequestBytes: \(maximumRequestBytes), "
            + "refresh: \(refresh), tokenRefreshMargin: \(tokenRefreshMargin))"
    }

    /// Whether authentication is by login (tokens that expire and can be renewed).
    public var usesLogin: Bool {
        if case .login = authentication { true } else { false }
    }

    /// Whether ``url`` is https.
    var usesTLS: Bool {
        url.lowercased().hasPrefix("https://")
    }

    /// The TLS configuration requests carry when ``caFile`` is set: the system defaults with the file's
    /// certificates as the only trust roots. `nil` when no CA file is configured.
    ///
    /// ``KuzzleClient`` passes it per request (AsyncHTTPClient keys its connection pool by it), so the shared
    /// `HTTPClient` needs no TLS setting of its own.
    public func makeTLSConfiguration() -> TLSConfiguration? {
        guard let caFile else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caFile)
        return tls
    }

    /// An `HTTPClient.Configuration` suited to Kuzzle, for the daemon's one shared client: Kuzzle closes every
    /// connection (`Connection: close`), so idle connections are dropped quickly; no redirects; response
    /// decompression off (the client never asks for compressed answers); the CA file as default TLS trust roots.
    public func makeHTTPClientConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: makeTLSConfiguration(),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: nil),
            decompression: .disabled
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(5))
        return configuration
    }
}
