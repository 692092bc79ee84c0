/// A Kuzzle API action the router can land on (kuzzle-api.md §2).
enum KuzzleAction: String, Sendable, CaseIterable {
    case bulkMWrite = "bulk:mWrite"
    case bulkImport = "bulk:import"
    case bulkWrite = "bulk:write"
    case documentGet = "document:get"
    case documentExists = "document:exists"
    case documentMGet = "document:mGet"
    case documentCount = "document:count"
    case documentSearch = "document:search"
    case documentCreate = "document:create"
    case documentCreateOrReplace = "document:createOrReplace"
    case documentReplace = "document:replace"
    case documentDelete = "document:delete"
    case documentMCreate = "document:mCreate"
    case documentMCreateOrReplace = "document:mCreateOrReplace"
    case documentMReplace = "document:mReplace"
    case documentMUpdate = "document:mUpdate"
    case documentMUpsert = "document:mUpsert"
    case documentMDelete = "document:mDelete"
    case indexCreate = "index:create"
    case indexExists = "index:exists"
    case indexDelete = "index:delete"
    case indexList = "index:list"
    case collectionCreate = "collection:create"
    case collectionExists = "collection:exists"
    case collectionList = "collection:list"
    case authLogin = "auth:login"
    case authRefreshToken = "auth:refreshToken"
    case authLogout = "auth:logout"
    case authCheckToken = "auth:checkToken"
    case authGetCurrentUser = "auth:getCurrentUser"
    case authCreateApiKey = "auth:createApiKey"
    case authDeleteApiKey = "auth:deleteApiKey"
    case serverNow = "server:now"
    case serverInfo = "server:info"
    case serverHealthCheck = "server:healthCheck"
    case serverCapabilities = "server:capabilities"
    /// Router built-in `GET /_healthcheck` (no controller, no auth).
    case routerHealthCheck = "router:healthcheck"
    /// Router built-in `GET /_ready` (no controller, no auth).
    case routerReady = "router:ready"

    /// The controller name in the envelope.
    var controller: String { String(rawValue.prefix { $0 != ":" }) }
    /// The action name in the envelope.
    var action: String { String(rawValue.drop { $0 != ":" }.dropFirst()) }

    /// Whether the action writes documents (connection-drop faults apply to these).
    var writesDocuments: Bool {
        switch self {
        case .bulkMWrite, .bulkImport, .bulkWrite, .documentCreate, .documentCreateOrReplace, .documentReplace,
            .documentDelete, .documentMCreate, .documentMCreateOrReplace, .documentMReplace, .documentMUpdate,
            .documentMUpsert, .documentMDelete:
            true
        default:
            false
        }
    }

    /// Actions anonymous may call once default rights are restricted (CFG `security.standard`).
    var isAllowedWhenRestricted: Bool {
        switch self {
        case .authLogin, .authCheckToken, .authGetCurrentUser, .routerHealthCheck, .routerReady: true
        default: false
        }
    }
}

/// The result of routing one request: the action and the values of its `:param` segments.
struct RouteMatch: Sendable {
    /// The action.
    let action: KuzzleAction
    /// Path parameters (`index`, `collection`, `_id`, `strategy`), URL-decoded.
    let parameters: [String: String]
}

/// Kuzzle's HTTP router: one tree per verb, literal segments beat `:param` segments, no backtracking
/// (ROUTER routePart.js), so `POST /users/c/_mWrite` is a 404 and `PUT /i/c/_mWrite` is createOrReplace.
struct RouteTable: Sendable {
    private final class Node: @unchecked Sendable {
        // Built once in `init` and only read afterwards, so sharing it across event loops is safe.
        var literals: [String: Node] = [:]
        var parameter: (name: String, node: Node)?
        var action: KuzzleAction?
    }

    private var roots: [String: Node] = [:]

    /// Literal first segments of Kuzzle routes that the stand-in does not serve; they still shadow indexes.
    private static let shadowingLiterals = [
        "users", "profiles", "roles", "credentials", "validations", "strategies", "admin", "debug", "ms",
        "cluster", "_me", "api-keys", "_login", "_logout", "_refreshToken", "_checkToken", "_now", "_serverInfo",
        "_healthCheck", "_healthcheck", "_ready", "_list", "_query", "_publicApi", "_openapi",
    ]

    init() {
        let routes: [(String, String, KuzzleAction)] = [
            ("POST", "/:index/:collection/_mWrite", .bulkMWrite),
            ("POST", "/:index/:collection/_bulk", .bulkImport),
            ("POST", "/:index/:collection/_write", .bulkWrite),
            ("GET", "/:index/:collection/:_id", .documentGet),
            ("GET", "/:index/:collection/:_id/_exists", .documentExists),
            ("POST", "/:index/:collection/_mGet", .documentMGet),
            ("GET", "/:index/:collection/_mGet", .documentMGet),
            ("POST", "/:index/:collection/_count", .documentCount),
            ("GET", "/:index/:collection/_count", .documentCount),
            ("POST", "/:index/:collection/_search", .documentSearch),
            ("GET", "/:index/:collection/_search", .documentSearch),
            ("POST", "/:index/:collection/:_id/_create", .documentCreate),
            ("POST", "/:index/:collection/_create", .documentCreate),
            ("PUT", "/:index/:collection/:_id", .documentCreateOrReplace),
            ("PUT", "/:index/:collection/:_id/_replace", .documentReplace),
            ("DELETE", "/:index/:collection/:_id", .documentDelete),
            ("POST", "/:index/:collection/_mCreate", .documentMCreate),
            ("PUT", "/:index/:collection/_mCreateOrReplace", .documentMCreateOrReplace),
            ("PUT", "/:index/:collection/_mReplace", .documentMReplace),
            ("PATCH", "/:index/:collection/_mUpdate", .documentMUpdate),
            ("POST", "/:index/:collection/_mUpsert", .documentMUpsert),
            ("DELETE", "/:index/:collection/_mDelete", .documentMDelete),
            ("POST", "/:index/_create", .indexCreate),
            ("GET", "/:index/_exists", .indexExists),
            ("DELETE", "/:index", .indexDelete),
            ("GET", "/_list", .indexList),
            ("PUT", "/:index/:collection", .collectionCreate),
            ("POST", "/:index/:collection", .collectionCreate),
            ("GET", "/:index/:collection/_exists", .collectionExists),
            ("GET", "/:index/_list", .collectionList),
            ("POST", "/_login/:strategy", .authLogin),
            ("GET", "/_login/:strategy", .authLogin),
            ("POST", "/_refreshToken", .authRefreshToken),
            ("POST", "/_logout", .authLogout),
            ("POST", "/_checkToken", .authCheckToken),
            ("GET", "/_me", .authGetCurrentUser),
            ("POST", "/api-keys/_create", .authCreateApiKey),
            ("DELETE", "/api-keys/:_id", .authDeleteApiKey),
            ("GET", "/_now", .serverNow),
            ("GET", "/_serverInfo", .serverInfo),
            ("GET", "/", .serverInfo),
            ("GET", "/_healthCheck", .serverHealthCheck),
            ("GET", "/_capabilities", .serverCapabilities),
            ("GET", "/_healthcheck", .routerHealthCheck),
            ("GET", "/_ready", .routerReady),
        ]
        for (verb, path, action) in routes {
            insert(verb: verb, path: path, action: action)
        }
        for verb in ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] {
            let root = rootNode(for: verb)
            for literal in Self.shadowingLiterals where root.literals[literal] == nil {
                root.literals[literal] = Node()
            }
        }
    }

    private mutating func rootNode(for verb: String) -> Node {
        if let root = roots[verb] { return root }
        let root = Node()
        roots[verb] = root
        return root
    }

    private mutating func insert(verb: String, path: String, action: KuzzleAction) {
        var node = rootNode(for: verb)
        for segment in path.split(separator: "/") {
            if segment.hasPrefix(":") {
                let name = String(segment.dropFirst())
                if let existing = node.parameter {
                    node = existing.node
                } else {
                    let child = Node()
                    node.parameter = (name, child)
                    node = child
                }
            } else if let child = node.literals[String(segment)] {
                node = child
            } else {
                let child = Node()
                node.literals[String(segment)] = child
                node = child
            }
        }
        node.action = action
    }

    /// Routes a request; `nil` means 404 `network.http.url_not_found`.
    /// - Parameters:
    ///   - verb: The HTTP method.
    ///   - path: The path without query string (still URL-encoded).
    func match(verb: String, path: String) -> RouteMatch? {
        guard var node = roots[verb == "HEAD" ? "GET" : verb] else { return nil }
        var parameters: [String: String] = [:]
        for rawSegment in path.split(separator: "/", omittingEmptySubsequences: true) {
            let segment = String(rawSegment).removingPercentEncodingOrSelf
            if let literal = node.literals[segment] {
                node = literal
            } else if let parameter = node.parameter {
                parameters[parameter.name] = segment
                node = parameter.node
            } else {
                return nil
            }
        }
        guard let action = node.action else { return nil }
        return RouteMatch(action: action, parameters: parameters)
    }
}

extension String {
    /// The string with `%XX` sequences decoded (left as is when they are not valid UTF-8).
    var removingPercentEncodingOrSelf: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = Array(utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
