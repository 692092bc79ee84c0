import JSONScan

extension RowScan {
    /// Scans the row object at the scanner's position (`{`) in one validating pass: its bulk:import hazards (as
    /// ``BodyScan`` does), its `__deleted` marker and, at the top level, the JSON converter's `payload` wrapper.
    static func scan(_ scanner: inout JSONScanner, topLevel: Bool) throws(RoutingProblem) -> RowScan {
        let start = scanner.position
        var row = RowScan(range: start..<start)
        let watching = scanner.watchesScriptKeys
        scanner.watchesScriptKeys = true
        defer { scanner.watchesScriptKeys = watching }
        var leadingNames: UInt8 = 0
        var inLeadingRun = true
        var memberCount = 0
        var wrapperNames: UInt8 = 0
        try DebeziumScanning.forEachMember(&scanner, field: "value") {
            scanner,
            name,
            memberStart throws(RoutingProblem) in
            memberCount += 1
            if topLevel, scanner.content(of: name, equals: "payload") {
                wrapperNames |= 2
                switch scanner.current {
                case UInt8(ascii: "{"):
                    row.payload = [try scan(&scanner, topLevel: false)]
                case UInt8(ascii: "n"):
                    try DebeziumScanning.skip(&scanner, field: "payload")
                    row.payloadIsNull = true
                default:
                    try DebeziumScanning.skip(&scanner, field: "payload")
                }
            } else if scanner.content(of: name, equals: "__deleted") {
                try readDeletedMarker(&scanner, into: &row, memberStart: memberStart)
            } else {
                if topLevel, scanner.content(of: name, equals: "schema") { wrapperNames |= 1 }
                do throws(JSONScanError) {
                    try scanner.skipValue(ofMember: name)
                } catch {
                    throw RoutingProblem(error, field: DebeziumScanning.name(of: name, in: scanner))
                }
            }
            let memberEnd = scanner.position
            if inLeadingRun {
                if let action = BulkActionName(name, in: scanner) {
                    leadingNames |= bit(action)
                    if let first = row.body.leadingActionMembers?.leading.lowerBound {
                        row.body.leadingActionMembers?.leading = first..<memberEnd
                    } else {
                        row.body.leadingActionMembers = BodyScan.MemberMove(
                            firstName: action,
                            leading: memberStart..<memberEnd
                        )
                    }
                } else {
                    inLeadingRun = false
                    row.body.leadingActionMembers?.rest = memberStart..<memberEnd
                }
            } else if leadingNames != 0 {
                if let first = row.body.leadingActionMembers?.rest?.lowerBound {
                    row.body.leadingActionMembers?.rest = first..<memberEnd
                }
                if let action = BulkActionName(name, in: scanner), leadingNames & bit(action) != 0 {
                    row.body.leadingActionMembers?.nameRepeats = true
                }
            }
        }
        row.range = start..<scanner.position
        row.isWrapper = topLevel && memberCount == 2 && wrapperNames == 3
        if let key = scanner.scriptKey, row.range.contains(key.position) { row.body.scriptKey = key }
        return row
    }

    /// Reads `__deleted`'s value: the string `"true"` or `"false"` (Debezium writes a string).
    private static func readDeletedMarker(
        _ scanner: inout JSONScanner,
        into row: inout RowScan,
        memberStart: Int
    ) throws(RoutingProblem) {
        let valueStart = scanner.position
        guard scanner.current == UInt8(ascii: "\"") else {
            try DebeziumScanning.skip(&scanner, field: "__deleted")
            throw RoutingProblem(
                .invalidField,
                "__deleted",
                "must be the string \"true\" or \"false\"",
                position: valueStart
            )
        }
        let token: JSONStringToken
        do {
            token = try scanner.readStringToken()
        } catch {
            throw RoutingProblem(error, field: "__deleted")
        }
        if scanner.content(of: token, equals: "true") {
            row.isDeleted = true
        } else if !scanner.content(of: token, equals: "false") {
            throw RoutingProblem(
                .invalidField,
                "__deleted",
                "must be the string \"true\" or \"false\"",
                position: valueStart
            )
        }
        if row.deletedMember != nil {
            throw RoutingProblem(.invalidField, "__deleted", "appears twice in the row", position: valueStart)
        }
        row.deletedMember = memberStart..<scanner.position
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
