import Synchronization
import NIOCore

extension ActionContext {
    /// auth:login with the local strategy → `{"_id","jwt","expiresAt","ttl"}`.
    func login() -> ActionResult {
        let strategy = prepared.match.parameters["strategy"] ?? ""
        guard strategy == "local" else { return .failure(ActionFailure(.unknownStrategy(strategy))) }
        guard let username = body?["username"]?.stringValue, let password = body?["password"]?.stringValue else {
            return .failure(ActionFailure(.wrongCredentials("Missing credentials")))
        }
        guard state.configuration.authentication.users[username] == password else {
            return .failure(ActionFailure(.wrongCredentials("wrong username or password")))
        }
        let ttl: Int64
        switch requestedTTL() {
        case .success(let value): ttl = value
        case .failure(let failure): return .failure(failure)
        }
        let now = StandInState.now()
        let (token, record) = state.tokens.withLock { $0.issueToken(kuid: username, ttl: ttl, now: now) }
        return .success(Self.tokenResult(kuid: username, token: token, record: record))
    }

    /// auth:refreshToken → a new token; the old one dies after the grace period.
    func refreshToken() -> ActionResult {
        guard case .user(let kuid, let token, let isAPIKey) = caller else {
            return .failure(ActionFailure(.unauthorized(controller: "auth", action: "refreshToken")))
        }
        if isAPIKey { return .failure(ActionFailure(.refreshForbidden())) }
        let ttl: Int64
        switch requestedTTL() {
        case .success(let value): ttl = value
        case .failure(let failure): return .failure(failure)
        }
        let now = StandInState.now()
        let grace = Int64(state.configuration.authentication.refreshGracePeriod / .milliseconds(1))
        let refreshed: (String, TokenStore.Record)? = state.tokens.withLock { tokens in
            guard let record = tokens.record(token), record.invalidAfter == nil else { return nil }
            if record.expiresAt == nil { return (token, record) }
            tokens.retire(token, after: grace, now: now)
            return tokens.issueToken(kuid: kuid, ttl: ttl, now: now)
        }
        guard let (newToken, record) = refreshed else { return .failure(ActionFailure(.tokenInvalid)) }
        return .success(Self.tokenResult(kuid: kuid, token: newToken, record: record))
    }

    /// auth:logout → `{"acknowledged":true}`; API keys survive.
    func logout() -> ActionResult {
        if case .user(_, let token, let isAPIKey) = caller, !isAPIKey {
            state.tokens.withLock { $0.revoke(token) }
        }
        return .success(JSONFragment.object([("acknowledged", .bool(true))]).buffer)
    }

    /// auth:checkToken → `{"valid":true,"expiresAt","kuid"}` or `{"valid":false,"state"}`.
    func checkToken() -> ActionResult {
        guard let token = body?["token"]?.stringValue else { return .failure(ActionFailure(.missingArgument("body.token"))) }
        let now = StandInState.now()
        let (verification, record) = state.tokens.withLock { ($0.verify(token, now: now), $0.record(token)) }
        switch verification {
        case .success(let verified):
            let expiresAt = JSONFragment.int(Int(record?.expiresAt ?? -1))
            return .success(
                JSONFragment.object([("valid", .bool(true)), ("expiresAt", expiresAt), ("kuid", .string(verified.kuid))])
                    .buffer
            )
        case .failure(let error):
            return .success(JSONFragment.object([("valid", .bool(false)), ("state", .string(error.message))]).buffer)
        }
    }

    /// auth:getCurrentUser → `{"_id","_source":{"profileIds"},"strategies"}`.
    func currentUser() -> ActionResult {
        let isAnonymous = caller == .anonymous
        return .success(
            JSONFragment.object([
                ("_id", .string(caller.kuid)),
                ("_source", .object([("profileIds", .array([.string(isAnonymous ? "anonymous" : "admin")]))])),
                ("strategies", .array(isAnonymous ? [] : [.string("local")])),
            ]).buffer
        )
    }

    /// auth:createApiKey → `{"_id","_source":{"userId","description","expiresAt","ttl","fingerprint","token"}}`.
    func createAPIKey() -> ActionResult {
        guard case .user(let kuid, _, _) = caller else {
            return .failure(ActionFailure(.unauthorized(controller: "auth", action: "createApiKey")))
        }
        guard let description = body?["description"]?.stringValue else {
            return .failure(ActionFailure(.missingArgument("body.description")))
        }
        let ttl: Int64
        switch requestedTTL(default: -1) {
        case .success(let value): ttl = value
        case .failure(let failure): return .failure(failure)
        }
        let id = request.query["_id"] ?? Self.generateID()
        let now = StandInState.now()
        let (token, record) = state.tokens.withLock { tokens in
            let issued = tokens.issueToken(kuid: kuid, ttl: ttl, now: now, prefix: "kapikey-")
            tokens.nameAPIKey(id: id, token: issued.0)
            return issued
        }
        let fingerprint = PseudoJWT.base64URL(Array(token.utf8.suffix(24)))
        return .success(
            JSONFragment.object([
                ("_id", .string(id)),
                (
                    "_source",
                    .object([
                        ("userId", .string(kuid)), ("description", .string(description)),
                        ("expiresAt", .int(Int(record.expiresAt ?? -1))), ("ttl", .int(Int(ttl))),
                        ("fingerprint", .string(fingerprint)), ("token", .string(token)),
                    ])
                ),
            ]).buffer
        )
    }

    /// auth:deleteApiKey → `{"_id"}`.
    func deleteAPIKey() -> ActionResult {
        guard state.tokens.withLock({ $0.deleteAPIKey(id: documentID) }) else {
            return .failure(
                ActionFailure(
                    KuzzleErrorReply(
                        status: 404,
                        id: "services.storage.not_found",
                        message: "Document \"\(documentID)\" not found in \"%kuzzle\":\"api-keys\".",
                        props: [documentID, "%kuzzle", "api-keys"]
                    )
                )
            )
        }
        return .success(JSONFragment.object([("_id", .string(documentID))]).buffer)
    }

    /// server:info, reduced to what a client may look at.
    func serverInfo() -> ActionResult {
        .success(
            JSONFragment.object([
                (
                    "serverInfo",
                    .object([
                        ("kuzzle", .object([("version", .string("2.56.0")), ("nodeId", .string(state.configuration.nodeID))])),
                        ("services", .object([])),
                    ])
                )
            ]).buffer
        )
    }

    private func requestedTTL(default defaultTTL: Int64? = nil) -> Result<Int64, ActionFailure> {
        let fallback = defaultTTL ?? Int64(state.configuration.authentication.tokenLifetime / .milliseconds(1))
        guard let raw = request.query["expiresIn"] else { return .success(fallback) }
        guard let ttl = DurationText.milliseconds(raw) else {
            return .failure(ActionFailure(.invalidArgument("expiresIn", expected: "a duration")))
        }
        return .success(ttl)
    }

    private static func tokenResult(kuid: String, token: String, record: TokenStore.Record) -> ByteBuffer? {
        JSONFragment.object([
            ("_id", .string(kuid)), ("jwt", .string(token)), ("expiresAt", .int(Int(record.expiresAt ?? -1))),
            ("ttl", .int(Int(record.ttl))),
        ]).buffer
    }
}

/// `ms`-style durations (`"30s"`, `"6h"`, `1000`, `-1`), as Kuzzle's `expiresIn` accepts them.
enum DurationText {
    /// Milliseconds, -1 for "never", `nil` when unparsable.
    static func milliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let number = Double(trimmed) { return number < 0 ? -1 : Int64(number) }
        let numberPart = trimmed.prefix { $0.isNumber || $0 == "." || $0 == "-" }
        guard let value = Double(numberPart) else { return nil }
        let unit = trimmed.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces)
        let factors: [String: Double] = [
            "ms": 1, "msec": 1, "msecs": 1, "millisecond": 1, "milliseconds": 1,
            "s": 1000, "sec": 1000, "secs": 1000, "second": 1000, "seconds": 1000,
            "m": 60_000, "min": 60_000, "mins": 60_000, "minute": 60_000, "minutes": 60_000,
            "h": 3_600_000, "hr": 3_600_000, "hrs": 3_600_000, "hour": 3_600_000, "hours": 3_600_000,
            "d": 86_400_000, "day": 86_400_000, "days": 86_400_000,
            "w": 604_800_000, "week": 604_800_000, "weeks": 604_800_000,
            "y": 31_557_600_000, "year": 31_557_600_000, "years": 31_557_600_000,
        ]
        guard let factor = factors[unit] else { return nil }
        return value < 0 ? -1 : Int64(value * factor)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in _: WhitespaceSet) -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// Marker for ``StringProtocol/trimmingCharacters(in:)`` without Foundation.
private enum WhitespaceSet { case whitespaces }
