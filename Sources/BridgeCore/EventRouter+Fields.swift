import JSONScan

/// A routing problem before the record's coordinates are attached (``EventRouter`` adds them).
struct RoutingProblem: Error {
    var kind: EventDecodingError.Kind
    var field: String
    var reason: String
    var position: Int?
    var disposition: EventDecodingError.Disposition = .deadLetter

    init(
        _ kind: EventDecodingError.Kind,
        _ field: String,
        _ reason: String,
        position: Int? = nil,
        disposition: EventDecodingError.Disposition = .deadLetter
    ) {
        self.kind = kind
        self.field = field
        self.reason = reason
        self.position = position
        self.disposition = disposition
    }

    /// A malformed-JSON problem in `field`.
    init(_ error: JSONScanError, field: String = "value") {
        self.init(.malformedJSON, field, error.reason, position: error.position)
    }
}

/// The `kuzzle-*` headers of one record, decoded (the last of each name wins; a null value is ignored).
struct HeaderOverrides {
    var index: String?
    var collection: String?
    var id: String?
    var action: String?

    /// No overrides (a record without headers).
    init() {}

    init(_ headers: [SourceRecord.Header]) throws(RoutingProblem) {
        for header in headers {
            guard header.name.utf8.count >= 9, header.name.hasPrefix("kuzzle-"), let bytes = header.value else {
                continue
            }
            let name = header.name
            guard
                name == EventRouter.HeaderName.index || name == EventRouter.HeaderName.collection
                    || name == EventRouter.HeaderName.id || name == EventRouter.HeaderName.action
            else { continue }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw RoutingProblem(.invalidField, name, "the header value is not valid UTF-8")
            }
            switch name {
            case EventRouter.HeaderName.index: index = text
            case EventRouter.HeaderName.collection: collection = text
            case EventRouter.HeaderName.id: id = text
            default: action = text
            }
        }
    }
}

/// The envelope members the router reads; the body is kept as a byte range of the value.
struct EnvelopeFields {
    /// A top-level envelope member the router reads.
    enum Member: String {
        case index
        case collection
        case id = "_id"
        case action
        case body

        /// The member's bit in ``EnvelopeFields/seen``.
        var bit: UInt8 {
            switch self {
            case .index: 1
            case .collection: 2
            case .id: 4
            case .action: 8
            case .body: 16
            }
        }

        /// The member a name token designates (escapes decoded), or `nil` for a member the router ignores.
        init?(_ token: JSONStringToken, in scanner: JSONScanner) {
            if scanner.content(of: token, equals: "index") {
                self = .index
            } else if scanner.content(of: token, equals: "collection") {
                self = .collection
            } else if scanner.content(of: token, equals: "_id") {
                self = .id
            } else if scanner.content(of: token, equals: "action") {
                self = .action
            } else if scanner.content(of: token, equals: "body") {
                self = .body
            } else {
                return nil
            }
        }
    }

    var index: String?
    var collection: String?
    var id: String?
    var action: String?
    /// The positions of the body's JSON value within the record's value.
    var body: Range<Int>?
    /// What the body holds that bulk:import would mishandle.
    var bodyScan = BodyScan()
    /// The members already read, one bit per ``Member`` (a set of strings would allocate per event).
    private var seen: UInt8 = 0

    /// Records `member`, whose (already validated) value spans `start..<scanner.position`.
    mutating func set(
        _ member: Member,
        valueAt start: Int,
        scanner: JSONScanner,
        stringToken: JSONStringToken? = nil
    ) throws(RoutingProblem) {
        guard seen & member.bit == 0 else {
            throw RoutingProblem(.invalidField, member.rawValue, "appears twice in the envelope", position: start)
        }
        seen |= member.bit
        let first = scanner.bytes[start]
        if first == UInt8(ascii: "n") { return }  // null: absent
        if member == .body {
            body = start..<scanner.position
            return
        }
        guard first == UInt8(ascii: "\"") else {
            throw RoutingProblem(.invalidField, member.rawValue, "must be a string", position: start)
        }
        let token =
            stringToken
            ?? JSONStringToken(
                content: (start + 1)..<(scanner.position - 1),
                hasEscapes: scanner.bytes[(start + 1)..<(scanner.position - 1)].contains(UInt8(ascii: "\\"))
            )
        let text: String
        do {
            text = try scanner.decodeString(token)
        } catch {
            throw RoutingProblem(.invalidField, member.rawValue, error.reason, position: start)
        }
        switch member {
        case .index: index = text
        case .collection: collection = text
        case .id: id = text
        case .action: action = text
        case .body: break
        }
    }
}
