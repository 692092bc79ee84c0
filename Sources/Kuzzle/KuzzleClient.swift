import AsyncHTTPClient
import JSONScan
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A client of Kuzzle 2's HTTP API for the bridge: bulk writes (``mWrite(index:collection:operations:options:)``,
/// ``importBulk(index:collection:operations:options:)``), authentication, index/collection management and probes.
///
/// Follows kuzzle-api.md: strict bulk requests whose partial failures are decoded into per-document outcomes,
/// errors classified by HTTP status and Kuzzle error id, one TCP connection per request tolerated
/// (Kuzzle answers `Connection: close`), request bodies optionally gzip-compressed and bounded after compression.
///
/// The `HTTPClient` is shared and owned by the caller, who shuts it down after the last request.
public final class KuzzleClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: KuzzleClientConfiguration
    /// The shared HTTP client (not owned).
    let httpClient: HTTPClient
    /// Where the client logs; secrets are never logged.
    let logger: Logger
    /// The login token cache (login authentication only).
    let session: KuzzleSession
    /// The base URL without a trailing slash.
    let baseURL: String
    /// Per-request TLS settings (CA file), `nil` for the HTTP client's defaults.
    let tlsConfiguration: TLSConfiguration?

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: Where Kuzzle is and how to authenticate.
    ///   - httpClient: The process's shared `HTTPClient`; the caller owns it and shuts it down. For https with a CA
    ///     file any client works (the TLS configuration travels with each request); the daemon may build it from
    ///     ``KuzzleClientConfiguration/makeHTTPClientConfiguration()``.
    ///   - logger: The logger to use (requests at trace, re-logins at notice).
    public init(configuration: KuzzleClientConfiguration, httpClient: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.session = KuzzleSession(refreshMargin: configuration.tokenRefreshMargin)
        var base = configuration.url
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.tlsConfiguration = configuration.makeTLSConfiguration()
    }

    // MARK: - Requests

    /// An HTTP answer: status and the whole body.
    struct HTTPAnswer {
        /// The HTTP status code.
        var status: Int
        /// The body bytes.
        var body: ByteBuffer
    }

    /// Sends one request with the configured authentication, logging in again once (without the stale header)
    /// when a login token is refused with 401 `security.token.expired`/`invalid`.
    ///
    /// - Returns: The answer, whatever its status.
    /// - Throws: ``KuzzleError`` when no answer arrived, or when authentication itself failed.
    func perform(
        _ method: HTTPMethod,
        _ pathAndQuery: String,
        body: ByteBuffer? = nil,
        gzipped: Bool = false,
        headers: [(String, String)] = []
    ) async throws(KuzzleError) -> HTTPAnswer {
        switch configuration.authentication {
        case .anonymous:
            return try await exchange(method, pathAndQuery, body: body, gzipped: gzipped, token: nil, headers: headers)
        case .apiKey(let key):
            return try await exchange(method, pathAndQuery, body: body, gzipped: gzipped, token: key, headers: headers)
        case .login:
            let token = try await session.token(using: self)
            let answer = try await exchange(
                method,
                pathAndQuery,
                body: body,
                gzipped: gzipped,
                token: token,
                headers: headers
            )
            guard answer.status == 401, error(from: answer).kind == .reauthenticate else { return answer }
            logger.notice(
                "Kuzzle refused the login token; logging in again",
                metadata: ["kuzzle.error": "\(error(from: answer).id ?? "none")"]
            )
            let fresh = try await session.renew(after: token, using: self)
            return try await exchange(
                method,
                pathAndQuery,
                body: body,
                gzipped: gzipped,
                token: fresh,
                headers: headers
            )
        }
    }

    /// One HTTP exchange: sends the request and reads the whole answer.
    ///
    /// - Throws: ``KuzzleError`` classified by ``KuzzleError/transport(_:sentBodyBytes:)`` when
    ///   no answer arrived; fatal when the answer exceeds ``KuzzleClientConfiguration/maximumResponseBytes``.
    func exchange(
        _ method: HTTPMethod,
        _ pathAndQuery: String,
        body: ByteBuffer?,
        gzipped: Bool,
        token: String?,
        headers: [(String, String)] = []
    ) async throws(KuzzleError) -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + pathAndQuery)
        request.method = method
        request.tlsConfiguration = tlsConfiguration
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let token {
            request.headers.add(name: "Authorization", value: "Bearer " + token)
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let bodyBytes = body?.readableBytes ?? 0
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            if gzipped { request.headers.add(name: "Content-Encoding", value: "gzip") }
            request.body = .bytes(body)
        }
        logger.trace(
            "Kuzzle request",
            metadata: [
                "http.method": "\(method.rawValue)", "http.path": "\(pathAndQuery)", "http.bytes": "\(bodyBytes)",
            ]
        )
        do {
            let deadline = NIODeadline.now() + Self.timeAmount(configuration.requestTimeout)
            let response = try await httpClient.execute(request, deadline: deadline, logger: logger)
            let collected = try await response.body.collect(upTo: configuration.maximumResponseBytes)
            return HTTPAnswer(status: Int(response.status.code), body: collected)
        } catch is NIOTooManyBytesError {
            throw KuzzleError(
                kind: .fatal,
                status: nil,
                id: nil,
                message: "answer larger than maximumResponseBytes (\(configuration.maximumResponseBytes))"
            )
        } catch {
            throw KuzzleError.transport(error, sentBodyBytes: bodyBytes)
        }
    }

    // MARK: - Answers

    /// Parses an answer's body (envelope or bare error), reading `result` with `readResult`.
    ///
    /// - Throws: ``KuzzleError`` (`kindIfUnreadable`) when the body is not the JSON Kuzzle sends.
    func parse<Result>(
        _ answer: HTTPAnswer,
        kindIfUnreadable: KuzzleError.Kind = .transient,
        readResult: (inout JSONScanner) throws(JSONScanError) -> Result
    ) throws(KuzzleError) -> KuzzleAnswer<Result> {
        let parsed = answer.body.withUnsafeReadableBytes { bytes in
            Swift.Result { () throws(JSONScanError) in try KuzzleAnswer.parse(bytes, readResult: readResult) }
        }
        switch parsed {
        case .success(let value):
            return value
        case .failure(let scanError):
            throw KuzzleError(
                kind: kindIfUnreadable,
                status: answer.status,
                id: nil,
                message: "unreadable Kuzzle answer (\(scanError))"
            )
        }
    }

    /// The whole-request error an error answer stands for, classified by status and error id.
    ///
    /// A token refusal is `reauthenticate` only with login authentication; with an API key or anonymously
    /// nothing can cure it, so it is fatal.
    func error(from answer: HTTPAnswer) -> KuzzleError {
        let body = answer.body.withUnsafeReadableBytes { bytes in
            try? KuzzleAnswer.parse(bytes) { (scanner) throws(JSONScanError) in try scanner.skipValue() }.error
        }
        let id = body?.id
        var kind = KuzzleError.classify(status: answer.status, id: id)
        if kind == .reauthenticate && !configuration.usesLogin {
            kind = .fatal
        }
        let message = body?.message ?? "HTTP \(answer.status) without a Kuzzle error"
        return KuzzleError(kind: kind, status: answer.status, id: id, message: message)
    }

    // MARK: - Helpers

    /// `duration` as a NIO `TimeAmount`.
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// `/segment` with characters outside RFC 3986's unreserved set percent-encoded.
    static func pathSegment(_ name: String) -> String {
        var encoded = "/"
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += byte < 0x10 ? "%0" + hex : "%" + hex
            }
        }
        return encoded
    }
}
