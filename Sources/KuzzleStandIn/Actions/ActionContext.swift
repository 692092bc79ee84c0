import NIOCore
import Synchronization

/// One request being executed by an action, with helpers shared by every action.
struct ActionContext: Sendable {
    let state: StandInState
    let prepared: PreparedRequest
    let caller: Caller

    var request: StandInRequest { prepared.request }
    var body: RawJSON? { prepared.body }
    var index: String { prepared.match.parameters["index"] ?? "" }
    var collection: String { prepared.match.parameters["collection"] ?? "" }
    var documentID: String { prepared.match.parameters["_id"] ?? "" }

    /// Runs the routed action.
    func run() -> ActionResult {
        switch prepared.match.action {
        case .bulkMWrite: mWrite()
        case .bulkImport: importBulk()
        case .documentGet: getDocument()
        case .documentExists: documentExists()
        case .documentMGet: mGet()
        case .documentCount: count()
        case .documentCreateOrReplace: createOrReplace(mustExist: false)
        case .documentReplace: createOrReplace(mustExist: true)
        case .documentCreate: createDocument()
        case .documentDelete: deleteDocument()
        case .indexCreate: createIndex()
        case .indexExists: indexExists()
        case .collectionCreate: createCollection()
        case .collectionExists: collectionExists()
        case .authLogin: login()
        case .authRefreshToken: refreshToken()
        case .authLogout: logout()
        case .authCheckToken: checkToken()
        case .authGetCurrentUser: currentUser()
        case .authCreateApiKey: createAPIKey()
        case .authDeleteApiKey: deleteAPIKey()
        case .serverNow: .success(JSONFragment.object([("now", .int(Int(StandInState.now())))]).buffer)
        case .serverInfo: serverInfo()
        case .serverCapabilities: capabilities()
        case .documentMCreateOrReplace: mDocumentWrite(.createOrReplace)
        case .documentMCreate: mDocumentWrite(.create)
        case .documentMUpdate: mDocumentWrite(.update)
        case .documentMDelete: mDelete()
        case .serverHealthCheck:
            .success(JSONFragment.object([("status", .string("green")), ("services", .object([]))]).buffer)
        case .routerHealthCheck, .routerReady: .success(ByteBuffer(staticString: "{}"))
        case .bulkWrite, .documentSearch, .documentMReplace, .documentMUpsert, .indexDelete, .indexList,
            .collectionList:
            // Real Kuzzle serves these; the stand-in does not, and says so rather than pretending.
            .failure(
                ActionFailure(
                    KuzzleErrorReply(
                        status: 501,
                        id: "standin.not_implemented",
                        message: "The Kuzzle stand-in does not implement \(prepared.match.action.rawValue)."
                    )
                )
            )
        }
    }

    /// The 412 for a missing index or collection, checked like Kuzzle's index cache.
    func targetFailure() -> ActionFailure? {
        state.store.withLock { $0.checkTarget(index: index, collection: collection) }.map(ActionFailure.init)
    }

    /// The body, or 400 `api.assert.body_required`.
    func requireBody() -> Result<RawJSON, ActionFailure> {
        guard let body else { return .failure(ActionFailure(.bodyRequired())) }
        return .success(body)
    }

    /// `body.<name>` as an array, with Kuzzle's assertion errors.
    func requireArray(_ name: String) -> Result<RawJSON, ActionFailure> {
        guard let body else { return .failure(ActionFailure(.bodyRequired())) }
        guard let value = body[name] else { return .failure(ActionFailure(.missingArgument("body.\(name)"))) }
        guard value.kind == .array else {
            return .failure(ActionFailure(.invalidType("body.\(name)", expected: "array")))
        }
        return .success(value)
    }

    /// A 20-character id like the ones Elasticsearch generates.
    static func generateID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(generator.next() % 64)] })
    }

    /// Fields Elasticsearch refuses at the top level of a document (metadata fields).
    static let metadataFields: Set<String> = [
        "_id", "_index", "_source", "_routing", "_version", "_seq_no", "_primary_term", "_type", "_field_names",
        "_ignored", "_tier", "_doc_count", "_nested_path", "_data_stream_timestamp",
    ]

    /// The Elasticsearch-like rejection of a document body, if any: metadata field or injected rejection.
    /// - Parameter rules: The injected rejections (read once per request by the caller).
    func documentRejection(
        _ body: RawJSON,
        id: String?,
        rules: [StandInDocumentRejection]
    ) -> (type: String, reason: String)? {
        var metadataField: String?
        body.forEachMember { rawKey, _ in
            // Only keys starting with "_" can be metadata fields: decode those alone.
            guard metadataField == nil, rawKey.first == UInt8(ascii: "_") else { return }
            let key = String(decoding: rawKey, as: UTF8.self)
            if Self.metadataFields.contains(key) { metadataField = key }
        }
        if let metadataField {
            return (
                "mapper_parsing_exception",
                "Field [\(metadataField)] is a metadata field and cannot be added inside a document. "
                    + "Use the index API request parameters."
            )
        }
        for rejection in rules where rejection.matches(body) {
            return ("mapper_parsing_exception", rejection.reason(documentID: id))
        }
        return nil
    }

    /// The whole-bulk refusal Elasticsearch gives for an `_id` over 512 bytes.
    static func idTooLong(_ id: String) -> ActionFailure? {
        let length = id.utf8.count
        guard length > 512 else { return nil }
        return ActionFailure(
            .unexpectedBadRequest(
                "Validation Failed: 1: id [\(id)] is too long, must be no longer than 512 bytes but was: \(length);"
            )
        )
    }
}

extension JSONFragment {
    /// The fragment serialised in a fresh buffer.
    var buffer: ByteBuffer? {
        var buffer = ByteBuffer()
        write(into: &buffer)
        return buffer
    }
}
