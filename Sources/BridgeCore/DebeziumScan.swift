import JSONScan

/// What one scan of a Debezium value found: the operation and, for a write, the row's bytes.
enum ChangeRecord {
    /// Create or replace the document with the row at `body` (minus `removedMember`).
    case write(body: Range<Int>, scan: BodyScan, removedMember: Range<Int>?)
    /// Delete the document (a `d` event, a tombstone, a null payload, `__deleted: "true"`).
    case delete
    /// A record that carries no row (no `op`, or `op: m`): skipped; `what` names it for the warning.
    case notARow(what: String)
    /// A truncate (`op: t`).
    case truncate
}

/// The members of one Debezium change envelope the router reads.
struct ChangeEnvelope {
    /// The `op` string's token (`nil`: no `op`, or `op: null`).
    var op: JSONStringToken?
    /// The position of `op`'s value.
    var opPosition = 0
    /// The `after` object's range.
    var after: Range<Int>?
    /// The `after` object's hazards.
    var afterScan = BodyScan()
    /// Where a non-object, non-null `after` starts.
    var afterNotObjectAt: Int?
    /// The members seen (1: `op`, 2: `after`).
    var seen: UInt8 = 0

    /// Reads the member `name` (the scanner is at its value, after whitespace), skipping the others.
    mutating func read(_ name: JSONStringToken, _ scanner: inout JSONScanner) throws(RoutingProblem) {
        if scanner.content(of: name, equals: "op") {
            try markSeen(1, "op", at: scanner.position)
            opPosition = scanner.position
            if scanner.current == UInt8(ascii: "\"") {
                do {
                    op = try scanner.readStringToken()
                } catch {
                    throw RoutingProblem(error, field: "op")
                }
            } else {
                try DebeziumScanning.skip(&scanner, field: "op")
                guard scanner.bytes[opPosition] == UInt8(ascii: "n") else {
                    throw RoutingProblem(.invalidField, "op", "must be a string", position: opPosition)
                }
            }
        } else if scanner.content(of: name, equals: "after") {
            try markSeen(2, "after", at: scanner.position)
            let start = scanner.position
            switch scanner.current {
            case UInt8(ascii: "{"):
                do {
                    afterScan = try BodyScan(&scanner)
                } catch {
                    throw RoutingProblem(error, field: "after")
                }
                after = start..<scanner.position
            case UInt8(ascii: "n"):
                try DebeziumScanning.skip(&scanner, field: "after")
            default:
                try DebeziumScanning.skip(&scanner, field: "after")
                afterNotObjectAt = start
            }
        } else {
            do {
                try scanner.skipValue()
            } catch {
                throw RoutingProblem(error, field: DebeziumScanning.name(of: name, in: scanner))
            }
        }
    }

    private mutating func markSeen(_ bit: UInt8, _ field: String, at position: Int) throws(RoutingProblem) {
        guard seen & bit == 0 else {
            throw RoutingProblem(.invalidField, field, "appears twice in the change event", position: position)
        }
        seen |= bit
    }

    /// The operation the envelope describes.
    func record(_ scanner: JSONScanner) throws(RoutingProblem) -> ChangeRecord {
        guard let op else {
            return .notARow(what: "a record without op (a heartbeat, schema-change or transaction record)")
        }
        let code: UInt8? =
            !op.hasEscapes && op.content.count == 1 ? scanner.bytes[op.content.lowerBound] : nil
        switch code ?? 0 {
        case UInt8(ascii: "c"), UInt8(ascii: "r"), UInt8(ascii: "u"):
            let name = Character(Unicode.Scalar(code!))
            if let afterNotObjectAt {
                throw RoutingProblem(
                    .notAnObject,
                    "after",
                    "the after row of an op \(name) must be a JSON object",
                    position: afterNotObjectAt
                )
            }
            guard let after else {
                throw RoutingProblem(
                    .missingField,
                    "after",
                    "an op \(name) needs an after row, and it is null or absent"
                )
            }
            return .write(body: after, scan: afterScan, removedMember: nil)
        case UInt8(ascii: "d"):
            return .delete
        case UInt8(ascii: "t"):
            return .truncate
        case UInt8(ascii: "m"):
            return .notARow(what: "a logical message (op m)")
        default:
            let text = (try? scanner.decodeString(op, replacingLoneSurrogates: true)) ?? "?"
            throw RoutingProblem(
                .unknownAction,
                "op",
                "\"\(text)\" is not one of c, r, u, d, t, m",
                position: opPosition
            )
        }
    }
}

/// What the scan of a `debezium-unwrapped` row found: its range, hazards and `__deleted` marker.
struct RowScan {
    /// The row object's range.
    var range: Range<Int>
    /// The row's bulk:import hazards.
    var body = BodyScan()
    /// The `__deleted` member (opening quote to the end of its value).
    var deletedMember: Range<Int>?
    /// Whether `__deleted` is `"true"`.
    var isDeleted = false
    /// A top-level row's `payload` member, when its value is an object (the converter's wrapper).
    var payload: [RowScan] = []
    /// Whether a top-level row's `payload` is `null`.
    var payloadIsNull = false
    /// Whether the row has exactly the members `schema` and `payload` (the JSON converter's wrapper).
    var isWrapper = false

    init(range: Range<Int>) {
        self.range = range
    }
}

/// The scanning steps the Debezium formats share.
enum DebeziumScanning {
    /// Skips (validating) the value at the scanner's position, naming `field` in an error.
    static func skip(_ scanner: inout JSONScanner, field: String) throws(RoutingProblem) {
        do {
            try scanner.skipValue()
        } catch {
            throw RoutingProblem(error, field: field)
        }
    }

    /// A member's name for an error message (escapes decoded; only called on the error path).
    static func name(of token: JSONStringToken, in scanner: JSONScanner) -> String {
        (try? scanner.decodeString(token, replacingLoneSurrogates: true)) ?? "value"
    }

    /// Walks the members of the object at the scanner's position (`{`), calling `member` with each name and the
    /// scanner at its value (after whitespace); `member` must consume the value. Counts the object in ``depth``.
    static func forEachMember(
        _ scanner: inout JSONScanner,
        field: String,
        _ member: (inout JSONScanner, JSONStringToken, _ memberStart: Int) throws(RoutingProblem) -> Void
    ) throws(RoutingProblem) {
        guard scanner.depth < scanner.maximumDepth else {
            throw RoutingProblem(scanner.error("nesting deeper than \(scanner.maximumDepth) levels"), field: field)
        }
        scanner.position += 1  // {
        scanner.depth += 1
        defer { scanner.depth -= 1 }
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.position += 1
            return
        }
        while true {
            guard scanner.current == UInt8(ascii: "\"") else {
                throw RoutingProblem(scanner.error("expected a member name"), field: field)
            }
            let memberStart = scanner.position
            let name: JSONStringToken
            do {
                name = try scanner.readStringToken()
                try scanner.expect(UInt8(ascii: ":"))
            } catch {
                throw RoutingProblem(error, field: field)
            }
            scanner.skipWhitespace()
            try member(&scanner, name, memberStart)
            guard let next = scanner.peek() else {
                throw RoutingProblem(scanner.error("unterminated object"), field: field)
            }
            scanner.position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else {
                scanner.position -= 1
                throw RoutingProblem(scanner.error("expected ',' or '}'"), field: field)
            }
            scanner.skipWhitespace()
        }
    }
}
