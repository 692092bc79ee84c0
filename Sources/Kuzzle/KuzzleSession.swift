import JSONScan
import Logging
import NIOCore
import NIOHTTP1

/// The login token of a ``KuzzleClient`` using login authentication (kuzzle-api.md §6).
///
/// Logs in on first use, refreshes (`POST /_refreshToken`) once the token nears its end, and logs in afresh
/// (without the stale header) when Kuzzle refuses the token. Concurrent callers share one login or refresh.
actor KuzzleSession {
    /// A token and when to refresh it.
    struct Grant: Sendable, Hashable {
        /// The `kauth-…` token.
        var token: String
        /// When to refresh it; `nil` for a token that never expires.
        var refreshAt: ContinuousClock.Instant?
    }

    /// How long before expiry a token is refreshed.
    private let refreshMargin: Duration
    /// The current token.
    private var grant: Grant?
    /// A login or refresh in progress, shared by every caller that needs a token meanwhile.
    private var pending: (generation: Int, task: Task<Result<Grant, KuzzleError>, Never>)?
    /// Distinguishes successive pending operations.
    private var generation = 0

    /// Creates an empty session.
    init(refreshMargin: Duration) {
        self.refreshMargin = refreshMargin
    }

    /// A token to send: the current one, a refreshed one once it nears expiry, or a new login.
    func token(using client: KuzzleClient) async throws(KuzzleError) -> String {
        if pending == nil, let grant {
            if let refreshAt = grant.refreshAt, ContinuousClock.now >= refreshAt {
                return try await run { () async throws(KuzzleError) -> Grant in
                    try await client.obtainGrant(refreshing: grant.token)
                }.token
            }
            return grant.token
        }
        return try await run { () async throws(KuzzleError) -> Grant in try await client.obtainGrant(refreshing: nil) }
            .token
    }

    /// A token to use after `staleToken` was refused: a new login, unless another caller already replaced it.
    func renew(after staleToken: String, using client: KuzzleClient) async throws(KuzzleError) -> String {
        if pending == nil, let grant, grant.token != staleToken {
            return grant.token
        }
        if pending == nil { grant = nil }
        return try await run { () async throws(KuzzleError) -> Grant in try await client.obtainGrant(refreshing: nil) }
            .token
    }

    /// Joins the pending operation, or starts `operation` and waits for it.
    private func run(
        _ operation: @escaping @Sendable () async throws(KuzzleError) -> Grant
    ) async throws(KuzzleError) -> Grant {
        let current: (generation: Int, task: Task<Result<Grant, KuzzleError>, Never>)
        if let pending {
            current = pending
        } else {
            generation += 1
            current = (
                generation,
                Task { () async -> Result<Grant, KuzzleError> in
                    do throws(KuzzleError) {
                        return .success(try await operation())
                    } catch {
                        return .failure(error)
                    }
                }
            )
            pending = current
        }
        let result = await current.task.value
        if pending?.generation == current.generation {
            pending = nil
            if case .success(let fresh) = result { grant = fresh }
        }
        return try result.get()
    }

    /// When to refresh a token of lifetime `ttl` obtained now: `margin` before its end, but never in its first
    /// half (a refresh in the login's second re-marks the same JWT, which then dies, kuzzle-api.md §6).
    static func refreshInstant(
        ttlMilliseconds: Int,
        margin: Duration,
        now: ContinuousClock.Instant
    ) -> ContinuousClock
        .Instant?
    {
        guard ttlMilliseconds > 0 else { return nil }
        let ttl = Duration.milliseconds(ttlMilliseconds)
        let beforeEnd = ttl - margin
        let half = ttl / 2
        return now + (beforeEnd > half ? beforeEnd : half)
    }
}

extension KuzzleClient {
    /// Logs in (`POST /_login/local`, no `Authorization` header), or refreshes `token` (`POST /_refreshToken`)
    /// and falls back to a login when the refresh is refused.
    ///
    /// - Throws: ``KuzzleError``: fatal for refused credentials (401 `plugin.strategy.missing_user`), transient
    ///   for network failures and 5xx.
    func obtainGrant(refreshing token: String?) async throws(KuzzleError) -> KuzzleSession.Grant {
        guard case .login(let username, let password) = configuration.authentication else {
            throw KuzzleError(kind: .fatal, status: nil, id: nil, message: "no login credentials configured")
        }
        let lifetime = configuration.tokenLifetime.map { "?expiresIn=" + Self.queryValue($0) } ?? ""
        if let token {
            let answer = try await exchange(.POST, "/_refreshToken" + lifetime, body: nil, gzipped: false, token: token)
            if answer.status == 200 {
                logger.debug("Kuzzle token refreshed")
                return try grant(from: answer)
            }
            guard answer.status == 401 else { throw error(from: answer) }
            logger.notice("Kuzzle refused the token refresh; logging in again")
        }
        var body = ByteBuffer()
        body.writeStaticString("{\"username\":\"")
        KuzzleRequestBody.writeEscaped(username, into: &body)
        body.writeStaticString("\",\"password\":\"")
        KuzzleRequestBody.writeEscaped(password, into: &body)
        body.writeStaticString("\"}")
        let answer = try await exchange(.POST, "/_login/local" + lifetime, body: body, gzipped: false, token: nil)
        guard answer.status == 200 else {
            var failure = error(from: answer)
            if failure.kind == .reauthenticate { failure.kind = .fatal }
            throw failure
        }
        logger.debug("Kuzzle login succeeded", metadata: ["kuzzle.user": "\(username)"])
        return try grant(from: answer)
    }

    /// Reads `{"jwt","expiresAt","ttl"}` from a login or refresh answer.
    private func grant(from answer: HTTPAnswer) throws(KuzzleError) -> KuzzleSession.Grant {
        let parsed = try parse(answer) { (scanner) throws(JSONScanError) -> (jwt: String?, ttl: Int?) in
            var jwt: String?
            var ttl: Int?
            try scanner.readObject { (scanner, key) throws(JSONScanError) in
                if key.is("jwt") {
                    jwt = try scanner.readOptionalString()
                } else if key.is("ttl") {
                    ttl = try scanner.readInteger()
                } else {
                    try scanner.skipValue()
                }
            }
            return (jwt, ttl)
        }
        guard let result = parsed.result, let jwt = result.jwt else {
            throw KuzzleError(kind: .transient, status: answer.status, id: nil, message: "login answer without jwt")
        }
        let refreshAt = KuzzleSession.refreshInstant(
            ttlMilliseconds: result.ttl ?? -1,
            margin: configuration.tokenRefreshMargin,
            now: .now
        )
        return KuzzleSession.Grant(token: jwt, refreshAt: refreshAt)
    }

    /// A query-string value with everything but unreserved characters percent-encoded.
    static func queryValue(_ value: String) -> String {
        String(pathSegment(value).dropFirst())
    }
}
