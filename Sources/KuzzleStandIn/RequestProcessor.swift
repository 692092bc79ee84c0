import NIOCore
import NIOHTTP1
import Synchronization

/// A routed request, its body validated, waiting for its faults to play out.
struct PreparedRequest: Sendable {
    let request: StandInRequest
    let match: RouteMatch
    /// The parsed body, `nil` when the request had none.
    let body: RawJSON?
    /// The `X-Kuzzle-Volatile` object, echoed as `volatile`.
    let volatile: ByteBuffer?
}

/// Runs Kuzzle's order of checks (kuzzle-api.md §9) and dispatches to the actions.
struct RequestProcessor: Sendable {
    /// The outcome of the first checks.
    enum Preparation: Sendable {
        /// Answer now (bare error, 404, control surface…).
        case reply(StandInReply)
        /// Run the action after applying `faults`.
        case execute(PreparedRequest, FaultDecision)
    }

    let state: StandInState

    /// Steps 1–3 of §9 up to the overload throttle: JSON parse (bare 400), routing (404), faults.
    func prepare(_ request: StandInRequest) -> Preparation {
        if request.path == "/_standin" || request.path.hasPrefix("/_standin/") {
            return .reply(ControlRoutes(state: state).handle(request))
        }
        var body: RawJSON?
        if !request.body.isEmpty {
            do {
                body = try RawJSON.parse(request.body)
            } catch {
                return .reply(.bare(.bodyParseFailed(request.body)))
            }
        }
        guard ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(request.verb) else {
            return .reply(.failure(.unsupportedVerb(request.verb), action: nil))
        }
        if request.verb == "OPTIONS" {
            return .reply(.envelope(.init(action: nil, status: 200, result: nil)))
        }
        var volatile: ByteBuffer?
        if let header = request.headers.first(name: "X-Kuzzle-Volatile") {
            guard let parsed = try? RawJSON.parse(Array(header.utf8)), parsed.kind == .object else {
                return .reply(.failure(.volatileParseFailed(header), action: nil))
            }
            volatile = ByteBuffer(bytes: parsed.bytes)
        }
        if let body, body.kind != .object {
            return .reply(.failure(.invalidType("body", expected: "object"), action: nil))
        }
        guard let match = state.routes.match(verb: request.verb, path: request.path) else {
            return .reply(.failure(.urlNotFound(request.path), action: nil))
        }
        state.countRequest(match.action)
        state.recordRequest(request, action: match.action)
        let decision = state.faults.withLock { $0.decide(for: match.action) }
        return .execute(PreparedRequest(request: request, match: match, body: body, volatile: volatile), decision)
    }

    /// Steps 3–5 of §9 after the throttle: injected failure, token, rights, then the action.
    func execute(_ prepared: PreparedRequest, failure: KuzzleErrorReply?) -> StandInReply {
        let reply = executeAction(prepared, failure: failure)
        guard let volatile = prepared.volatile, case .envelope(var envelope) = reply else { return reply }
        envelope.volatile = volatile
        return .envelope(envelope)
    }

    private func executeAction(_ prepared: PreparedRequest, failure: KuzzleErrorReply?) -> StandInReply {
        let action = prepared.match.action
        let index = prepared.match.parameters["index"]
        let collection = prepared.match.parameters["collection"]
        if action == .routerHealthCheck {
            return .envelope(.init(action: nil, status: 200, result: ByteBuffer(staticString: "{}")))
        }
        if action == .routerReady {
            if let failure { return .failure(failure, action: nil) }
            return .envelope(.init(action: nil, status: 200, result: ByteBuffer(staticString: "{}")))
        }
        if let failure {
            return .failure(failure, action: action, index: index, collection: collection)
        }
        let caller: Caller
        switch authenticate(prepared.request, action: action) {
        case .success(let verified): caller = verified
        case .failure(let error): return .failure(error, action: action, index: index, collection: collection)
        }
        let context = ActionContext(state: state, prepared: prepared, caller: caller)
        let result = context.run()
        switch result {
        case .success(let result):
            return .envelope(.init(action: action, index: index, collection: collection, status: 200, result: result))
        case .failure(let error):
            return .envelope(
                .init(action: action, index: index, collection: collection, status: error.reply.status, error: error)
            )
        }
    }

    /// Token verification then rights (FUNNEL `checkRights`): every request verifies the token it carries.
    private func authenticate(_ request: StandInRequest, action: KuzzleAction) -> Result<Caller, KuzzleErrorReply> {
        let caller: Caller
        if let token = request.bearerToken {
            let now = StandInState.now()
            switch state.tokens.withLock({ $0.verify(token, now: now) }) {
            case .success(let verified): caller = verified
            case .failure(let error): return .failure(error)
            }
        } else {
            caller = .anonymous
        }
        if caller == .anonymous, !state.configuration.authentication.allowsAnonymous, !action.isAllowedWhenRestricted {
            return .failure(.unauthorized(controller: action.controller, action: action.action))
        }
        return .success(caller)
    }
}

/// What an action produced: a serialised `result`, or an error body.
typealias ActionResult = Result<ByteBuffer?, ActionFailure>

/// An action's failure: the error body for the envelope (Kuzzle error plus multiple-errors details).
struct ActionFailure: Error, Sendable {
    var reply: KuzzleErrorReply
    var errors: ByteBuffer?
    var count = 0

    init(_ reply: KuzzleErrorReply) { self.reply = reply }

    /// `api.process.incomplete_multiple_request` with the failed items (props: the action word).
    static func incomplete(_ word: String, errors: ByteBuffer, count: Int) -> ActionFailure {
        var failure = ActionFailure(
            KuzzleErrorReply(
                status: 400,
                id: "api.process.incomplete_multiple_request",
                message: "At least one of the \(word) actions failed.",
                props: [word]
            )
        )
        failure.errors = errors
        failure.count = count
        return failure
    }
}

extension StandInReply.Envelope {
    init(action: KuzzleAction?, index: String?, collection: String?, status: Int, error: ActionFailure) {
        self.init(
            action: action,
            index: index,
            collection: collection,
            status: status,
            error: StandInReply.ErrorBody(reply: error.reply, errors: error.errors, count: error.count)
        )
    }
}
