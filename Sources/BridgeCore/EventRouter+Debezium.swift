import JSONScan

extension EventRouter {
    // MARK: - Debezium (debezium.md §3)

    /// Decodes a record of a ``TopicRouting/Format/debezium`` or ``TopicRouting/Format/debeziumUnwrapped`` topic:
    /// `c`/`r`/`u` (or an unwrapped row) → a `write` of the row's bytes as they arrived; `d`, a tombstone, a literal
    /// `null`, a null payload or `__deleted: "true"` → a `delete`; the id from the key (``DebeziumKey``), the target
    /// from the topic's configuration.
    ///
    /// - Throws: A ``RoutingProblem``: skipped (``EventDecodingError/Disposition/skip``) for a record without a row,
    ///   per `debezium.truncate` for a truncate, dead-lettered with the field at fault for everything else.
    func decodeChangeEvent(_ record: borrowing SourceRecord, routing: TopicRouting) throws(RoutingProblem) -> Route {
        var change = ChangeRecord.delete
        if let value = record.value {
            let start = try framedStart(of: value, framing: routing.valueFraming)
            change = try scanChange(value, from: start, format: routing.format)
        }
        var action = DocumentAction.delete
        var body: Range<Int>?
        var scan = BodyScan()
        var removedMember: Range<Int>?
        switch change {
        case .notARow(let what):
            throw RoutingProblem(
                .notARowChange,
                "op",
                "\(what) carries no row: skipped",
                disposition: .skip
            )
        case .truncate:
            let disposition: EventDecodingError.Disposition
            switch routing.debezium.truncate {
            case .skip: disposition = .skip
            case .deadLetter: disposition = .deadLetter
            case .halt: disposition = .halt
            }
            throw RoutingProblem(
                .truncate,
                "op",
                "a truncate (op t) is not applied to the collection (debezium.truncate: "
                    + "\(routing.debezium.truncate.rawValue))",
                disposition: disposition
            )
        case .delete:
            break
        case .write(let range, let bodyScan, let removed):
            action = .write
            body = range
            scan = bodyScan
            removedMember = removed
            if let removed, scan.leadingActionMembers?.rest == removed {
                // Only `__deleted` follows the action-name members: without it, nothing can be moved before them.
                scan.leadingActionMembers?.rest = nil
            }
        }
        let index = try resolveName(routing.defaultIndex, field: "index", problem: KuzzleNames.problemWithIndexName)
        let collection = try resolveName(
            routing.defaultCollection,
            field: "collection",
            problem: KuzzleNames.problemWithCollectionName
        )
        let id = try changeEventID(record, routing: routing)
        var route = Route(
            target: DocumentTarget(index: index, collection: collection),
            id: id,
            action: action,
            body: body
        )
        route.removedMember = removedMember
        if routing.fence.isEnabled {
            route.externalVersion = try externalVersion(of: record, action: action, fence: routing.fence)
        }
        if body != nil { try checkImportHazards(scan, of: &route, routing: routing) }
        return route
    }

    /// The id of a Debezium record, from its key.
    private func changeEventID(
        _ record: borrowing SourceRecord,
        routing: TopicRouting
    ) throws(RoutingProblem)
        -> String
    {
        guard record.key != nil || record.value != nil else {
            throw RoutingProblem(.tombstoneWithoutKey, "key", "a tombstone needs a key naming the document to delete")
        }
        return try framedKeyID(record.key, routing: routing)
    }

    /// The id the (possibly framed) key gives by ``DebeziumKey``'s rule.
    func framedKeyID(_ key: [UInt8]?, routing: TopicRouting) throws(RoutingProblem) -> String {
        var start = 0
        if let key, routing.keyFraming != .none {
            guard let payloadStart = routing.keyFraming.payloadStart(in: key) else {
                throw RoutingProblem(
                    .framing,
                    "key",
                    "the key does not start with the Confluent wire-format prefix (a zero byte and a 4-byte schema "
                        + "id) that key_framing: confluent declares"
                )
            }
            start = payloadStart
        }
        do {
            return try DebeziumKey.documentID(
                key: key,
                from: start,
                settings: routing.debezium,
                maximumDepth: maximumNestingDepth
            )
        } catch {
            throw RoutingProblem(.invalidID, error.field, error.reason)
        }
    }

    /// Where the JSON starts in a value framed by `framing`.
    func framedStart(of value: [UInt8], framing: PayloadFraming) throws(RoutingProblem) -> Int {
        guard let start = framing.payloadStart(in: value) else {
            throw RoutingProblem(
                .framing,
                "value",
                "the value does not start with the Confluent wire-format prefix (a zero byte and a 4-byte schema id) "
                    + "that value_framing: confluent declares"
            )
        }
        return start
    }

    /// Scans a Debezium value once, from `start`.
    private func scanChange(
        _ value: [UInt8],
        from start: Int,
        format: TopicRouting.Format
    ) throws(RoutingProblem) -> ChangeRecord {
        let result = value.withUnsafeBytes { buffer -> Result<ChangeRecord, RoutingProblem> in
            var scanner = JSONScanner(buffer, mode: .validating(maximumDepth: maximumNestingDepth))
            scanner.position = start
            do throws(RoutingProblem) {
                let top = scanner.peek()
                if top != UInt8(ascii: "{") {
                    let valueStart = scanner.position
                    try DebeziumScanning.skip(&scanner, field: "value")
                    try expectEnd(&scanner)
                    guard top == UInt8(ascii: "n") else {
                        throw RoutingProblem(
                            .notAnObject,
                            "value",
                            "a Debezium value must be a JSON object (or null for a delete)",
                            position: valueStart
                        )
                    }
                    return .success(.delete)
                }
                let change: ChangeRecord
                if format == .debeziumUnwrapped {
                    change = try scanUnwrappedRow(&scanner)
                } else {
                    change = try scanEnvelope(&scanner)
                }
                try expectEnd(&scanner)
                return .success(change)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The change envelope, bare or inside `{"schema","payload"}`.
    private func scanEnvelope(_ scanner: inout JSONScanner) throws(RoutingProblem) -> ChangeRecord {
        var bare = ChangeEnvelope()
        var payload: ChangeEnvelope?
        var payloadStart: Int?
        var payloadIsNull = false
        var memberCount = 0
        var wrapperNames: UInt8 = 0
        try DebeziumScanning.forEachMember(&scanner, field: "value") { scanner, name, _ throws(RoutingProblem) in
            memberCount += 1
            if scanner.content(of: name, equals: "payload") {
                wrapperNames |= 2
                payloadStart = scanner.position
                if scanner.current == UInt8(ascii: "{") {
                    var envelope = ChangeEnvelope()
                    try DebeziumScanning.forEachMember(&scanner, field: "payload") {
                        scanner,
                        name,
                        _ throws(RoutingProblem) in
                        try envelope.read(name, &scanner)
                    }
                    payload = envelope
                } else {
                    payloadIsNull = scanner.current == UInt8(ascii: "n")
                    try DebeziumScanning.skip(&scanner, field: "payload")
                }
            } else {
                if scanner.content(of: name, equals: "schema") { wrapperNames |= 1 }
                try bare.read(name, &scanner)
            }
        }
        guard memberCount == 2, wrapperNames == 3 else { return try bare.record(scanner) }
        if let payload { return try payload.record(scanner) }
        if payloadIsNull { return .delete }
        throw RoutingProblem(
            .notAnObject,
            "payload",
            "the payload of a schema-wrapped change event must be a JSON object (or null for a delete)",
            position: payloadStart
        )
    }

    /// The `ExtractNewRecordState` row, bare or inside `{"schema","payload"}`.
    private func scanUnwrappedRow(_ scanner: inout JSONScanner) throws(RoutingProblem) -> ChangeRecord {
        let payloadStart = scanner.position
        var row = try RowScan.scan(&scanner, topLevel: true)
        if row.isWrapper {
            if let payload = row.payload.first {
                row = payload
            } else if row.payloadIsNull {
                return .delete
            } else {
                throw RoutingProblem(
                    .notAnObject,
                    "payload",
                    "the payload of a schema-wrapped row must be a JSON object (or null for a delete)",
                    position: payloadStart
                )
            }
        }
        if row.isDeleted { return .delete }
        return .write(body: row.range, scan: row.body, removedMember: row.deletedMember)
    }
}
