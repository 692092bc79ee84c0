/// How the bridge talks to Kuzzle: where, as whom, and with which request options.
public struct KuzzleSettings: Sendable, Equatable {
    /// How the bridge authenticates.
    public enum Credentials: Sendable, Equatable {
        /// No `Authorization` header (Kuzzle's anonymous user must be allowed to write).
        case anonymous
        /// A Kuzzle API key, sent as a bearer token (`kuzzle.api_key`).
        case apiKey(String)
        /// Local-strategy login (`auth:login`), refreshed by the client (`kuzzle.username`, `kuzzle.password`).
        case login(username: String, password: String)
    }

    /// The `refresh` option sent with each bulk request.
    public enum RefreshPolicy: String, Sendable, Equatable, CaseIterable {
        /// No refresh option: Kuzzle answers as soon as the documents are written.
        case none
        /// `refresh=wait_for`: Kuzzle answers once the writes are searchable (about 1 s later).
        case waitFor = "wait_for"
    }

    /// Kuzzle's base URL, `http` or `https` (`kuzzle.url`). Default: `http://127.0.0.1:7512`.
    public var url: String
    /// The credentials (`kuzzle.api_key*`, `kuzzle.username`, `kuzzle.password*`). Default: ``Credentials/anonymous``.
    public var credentials: Credentials
    /// How long one HTTP request may take (`kuzzle.request_timeout`). Default: 30 s.
    public var requestTimeout: Duration
    /// A PEM file of extra CA certificates for `https` (`kuzzle.ca_file`). Default: none (system trust store).
    public var caFile: String?
    /// Whether request bodies are sent gzip-compressed (`kuzzle.gzip`). Default: `false`.
    public var gzip: Bool
    /// Kuzzle's `server.maxRequestSize` in bytes, measured on the bytes sent (`kuzzle.max_request_size`).
    /// Default: 1 MiB (1,048,576 bytes, Kuzzle's default "1MB").
    public var maximumRequestSize: Int
    /// The refresh option of bulk writes (`kuzzle.refresh`). Default: ``RefreshPolicy/none``.
    public var refresh: RefreshPolicy
    /// Whether a missing index or collection (412) is created instead of halting the partition
    /// (`kuzzle.create_missing_collections`). Default: `false`.
    public var createMissingCollections: Bool

    /// Creates Kuzzle settings.
    public init(
        url: String = "http://127.0.0.1:7512",
        credentials: Credentials = .anonymous,
        requestTimeout: Duration = .seconds(30),
        caFile: String? = nil,
        gzip: Bool = false,
        maximumRequestSize: Int = 1_048_576,
        refresh: RefreshPolicy = .none,
        createMissingCollections: Bool = false
    ) {
        self.url = url
        self.credentials = credentials
        self.requestTimeout = requestTimeout
        self.caFile = caFile
        self.gzip = gzip
        self.maximumRequestSize = maximumRequestSize
        self.refresh = refresh
        self.createMissingCollections = createMissingCollections
    }
}
