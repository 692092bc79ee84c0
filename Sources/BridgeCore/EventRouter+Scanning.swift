import JSONScan

extension EventRouter {
    // MARK: - Scanning

    /// Scans an envelope or raw value from `start` (after a framing prefix); positions stay the value's.
    func scan(
        _ value: [UInt8],
        format: TopicRouting.Format,
        from start: Int = 0
    ) throws(RoutingProblem)
        -> EnvelopeFields
    {
        let result = value.withUnsafeBytes { buffer -> Result<EnvelopeFields, RoutingProblem> in
            var scanner = JSONScanner(buffer, mode: .validating(maximumDepth: maximumNestingDepth))
            scanner.position = start
            do throws(RoutingProblem) {
                let fields: EnvelopeFields
                switch format {
                case .envelope: fields = try scanEnvelope(&scanner)
                // Debezium formats never get here (``EventRouter/decodeChangeEvent(_:routing:)``).
                case .raw, .debezium, .debeziumUnwrapped: fields = try scanRawBody(&scanner)
                }
                return .success(fields)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Checks the whole value is one JSON object and returns it as the body.
    private func scanRawBody(_ scanner: inout JSONScanner) throws(RoutingProblem) -> EnvelopeFields {
        scanner.skipWhitespace()
        let start = scanner.position
        var fields = EnvelopeFields()
        do {
            fields.bodyScan = try BodyScan(&scanner)
        } catch {
            throw RoutingProblem(error, field: "value")
        }
        guard scanner.bytes[start] == UInt8(ascii: "{") else {
            throw RoutingProblem(.notAnObject, "value", "a raw value must be a JSON object", position: start)
        }
        fields.body = start..<scanner.position
        try expectEnd(&scanner)
        return fields
    }

    /// Throws unless the scanner is past the whole value (trailing whitespace only).
    func expectEnd(_ scanner: inout JSONScanner) throws(RoutingProblem) {
        guard scanner.isAtEnd() else {
            throw RoutingProblem(
                .malformedJSON,
                "value",
                "unexpected data after the JSON value",
                position: scanner.position
            )
        }
    }

    /// Reads the envelope's top-level members, skipping (and validating) the values of the others.
    private func scanEnvelope(_ scanner: inout JSONScanner) throws(RoutingProblem) -> EnvelopeFields {
        guard scanner.peek() == UInt8(ascii: "{") else {
            let start = scanner.position
            do {
                try scanner.skipValue()
            } catch {
                throw RoutingProblem(error, field: "value")
            }
            try expectEnd(&scanner)
            throw RoutingProblem(.notAnObject, "value", "an envelope must be a JSON object", position: start)
        }
        var fields = EnvelopeFields()
        scanner.position += 1
        scanner.depth = 1
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.position += 1
        } else {
            try scanMembers(&scanner, into: &fields)
        }
        scanner.depth = 0
        try expectEnd(&scanner)
        return fields
    }

    private func scanMembers(_ scanner: inout JSONScanner, into fields: inout EnvelopeFields) throws(RoutingProblem) {
        while true {
            guard scanner.current == UInt8(ascii: "\"") else {
                throw RoutingProblem(scanner.error("expected a member name"))
            }
            let name: JSONStringToken
            do {
                name = try scanner.readStringToken()
                try scanner.expect(UInt8(ascii: ":"))
                scanner.skipWhitespace()
            } catch {
                throw RoutingProblem(error)
            }
            let member = EnvelopeFields.Member(name, in: scanner)
            let valueStart = scanner.position
            // A routing field's string is read as a token (its escapes noted in the same pass), not stepped over.
            var stringToken: JSONStringToken?
            do {
                if member == .body {
                    fields.bodyScan = try BodyScan(&scanner)
                } else if member != nil, scanner.current == UInt8(ascii: "\"") {
                    stringToken = try scanner.readStringToken()
                } else {
                    try scanner.skipValue()
                }
            } catch {
                throw RoutingProblem(error, field: member?.rawValue ?? "value")
            }
            if let member {
                try fields.set(member, valueAt: valueStart, scanner: scanner, stringToken: stringToken)
            }
            scanner.skipWhitespace()
            guard let next = scanner.current else { throw RoutingProblem(scanner.error("unterminated object")) }
            scanner.position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else {
                scanner.position -= 1
                throw RoutingProblem(scanner.error("expected ',' or '}'"))
            }
            scanner.skipWhitespace()
        }
    }
}

/// What the routing scan learnt about a body for bulk:import (``ImportHazard``), in the same pass that validated it.
struct BodyScan {
    /// The leading members of a body whose keys are bulk action names, and what moving them to the end needs.
    struct MemberMove {
        /// The first key (escapes decoded).
        var firstName: BulkActionName
        /// From the first member's opening quote to the end of the last leading member's value.
        var leading: Range<Int>
        /// From the first other member's opening quote to the end of the last member's value; `nil` when every
        /// member has an action name.
        var rest: Range<Int>?
        /// Whether a leading key appears again among the rest (JSON.parse keeps the last value at the first
        /// position, so moving would change the document).
        var nameRepeats = false

        /// Whether moving the leading members to the end keeps the document intact.
        var canMove: Bool { rest != nil && !nameRepeats }

        /// The body with its leading members moved to its end: `{` rest `,` leading `}` (byte ranges copied; the
        /// whitespace around the moved members is dropped).
        func rewrite(_ value: [UInt8]) -> [UInt8] {
            guard let rest else { return Array(value[leading]) }
            var body: [UInt8] = []
            body.reserveCapacity(rest.count + leading.count + 3)
            body.append(UInt8(ascii: "{"))
            body.append(contentsOf: value[rest])
            body.append(UInt8(ascii: ","))
            body.append(contentsOf: value[leading])
            body.append(UInt8(ascii: "}"))
            return body
        }
    }

    /// The leading action-name members, when the first key is an action name.
    var leadingActionMembers: MemberMove?
    /// The first `script`/`_script` key bulk:import would refuse, anywhere in the body.
    var scriptKey: JSONScriptKey?

    /// No finding (no body, or a delete's).
    init() {}

    /// Validates the value at the scanner's position (no leading whitespace), watching its keys; only an object is
    /// looked into (the router refuses any other body).
    init(_ scanner: inout JSONScanner) throws(JSONScanError) {
        guard scanner.current == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return
        }
        scanner.watchesScriptKeys = true
        defer { scanner.watchesScriptKeys = false }
        try scanObject(&scanner)
        scriptKey = scanner.scriptKey
    }

    /// Reads the body object's top-level members, noting the leading ones named like bulk actions.
    private mutating func scanObject(_ scanner: inout JSONScanner) throws(JSONScanError) {
        guard scanner.depth < scanner.maximumDepth else {
            throw scanner.error("nesting deeper than \(scanner.maximumDepth) levels")
        }
        scanner.position += 1  // {
        scanner.depth += 1
        defer { scanner.depth -= 1 }
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.position += 1
            return
        }
        var leadingNames: UInt8 = 0
        var inLeadingRun = true
        while true {
            guard scanner.current == UInt8(ascii: "\"") else { throw scanner.error("expected a member name") }
            let memberStart = scanner.position
            let name = try scanner.readStringToken()
            try scanner.expect(UInt8(ascii: ":"))
            try scanner.skipValue(ofMember: name)
            let memberEnd = scanner.position
            if inLeadingRun {
                if let action = BulkActionName(name, in: scanner) {
                    leadingNames |= Self.bit(action)
                    if let start = leadingActionMembers?.leading.lowerBound {
                        leadingActionMembers?.leading = start..<memberEnd
                    } else {
                        leadingActionMembers = MemberMove(firstName: action, leading: memberStart..<memberEnd)
                    }
                } else {
                    inLeadingRun = false
                    leadingActionMembers?.rest = memberStart..<memberEnd
                }
            } else if leadingNames != 0 {
                if let start = leadingActionMembers?.rest?.lowerBound { leadingActionMembers?.rest = start..<memberEnd }
                if let action = BulkActionName(name, in: scanner), leadingNames & Self.bit(action) != 0 {
                    leadingActionMembers?.nameRepeats = true
                }
            }
            guard let next = scanner.peek() else { throw scanner.error("unterminated object") }
            scanner.position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else {
                scanner.position -= 1
                throw scanner.error("expected ',' or '}'")
            }
            scanner.skipWhitespace()
        }
    }

    private static func bit(_ action: BulkActionName) -> UInt8 {
        switch action {
        case .index: 1
        case .create: 2
        case .update: 4
        case .delete: 8
        }
    }
}
