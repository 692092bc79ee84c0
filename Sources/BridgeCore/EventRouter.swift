import JSONScan

/// Turns Kafka records into ``DocumentEvent``s with one cheap pass over each value.
///
/// ## Contract
/// - **Envelope** (``TopicRouting/Format/envelope``): the value is a JSON object
///   `{"index": "...", "collection": "...", "_id": "...", "action": "write|create|update|delete", "body": {...}}`.
///   `action` defaults to `write`; `index`/`collection` fall back to the topic's defaults; `body` must be a JSON
///   object except for `delete`, where it is ignored. A member set to `null` counts as absent; other members are
///   validated and ignored; a known member given twice is an error.
/// - **Raw** (``TopicRouting/Format/raw``): the whole value is the body (a JSON object); the target comes from the
///   topic's defaults and the `_id` from the key.
/// - **Both**: a tombstone (null value) deletes the document named by the key (no key is an error). The headers
///   `kuzzle-index`, `kuzzle-collection`, `kuzzle-id` and `kuzzle-action` (UTF-8; the last one wins; a null header is
///   ignored) override everything else.
/// - **Ids**: `kuzzle-id` header, else the envelope's `_id`, else the record key (UTF-8; an empty key counts as none),
///   else, for `write` and `create` only, the deterministic `<topic>-<partition>-<offset>` (a replay writes the same
///   document). `update` and `delete` need a real id. An id must be 1 to 512 bytes of UTF-8: Elasticsearch refuses the
///   whole bulk for a longer one.
/// - Index and collection names are checked with ``KuzzleNames``.
/// - **bulk:import hazards** (``ImportHazard``): a write or create body whose first key is `index`, `create`,
///   `update` or `delete` gets its leading members of such names moved to its end (the only case where a body's
///   bytes are rewritten; JSON member order carries no meaning). A body bulk:import cannot carry intact (a
///   `script`/`_script` key it refuses, or only action-name keys) is kept for bulk:mWrite when it is a write and
///   ``TopicRouting/mWriteAvailable``; otherwise the event is refused (``EventDecodingError/Kind/importHazard``).
/// - **Fence** (``TopicRouting/fence``, `writer.fence`): a fenced event carries its external version (the offset, or
///   a header's decimal value below 2^53); a fenced `create`/`update`, or a missing or invalid version header, is
///   refused (``EventDecodingError/Kind/fence``).
///
/// ## Cost
/// The value is scanned once by a validating JSON skipper; the body is returned as a slice of the value (no copy, no
/// decoding, no re-encoding) but is fully validated, because one malformed document would fail a whole Kuzzle request.
/// The same pass watches the body's keys for the bulk:import hazards. Only the short fields (index, collection,
/// `_id`, action) become `String`s.
public struct EventRouter: Sendable {
    /// The header names that override an event's fields.
    public enum HeaderName {
        /// Overrides the index.
        public static let index = "kuzzle-index"
        /// Overrides the collection.
        public static let collection = "kuzzle-collection"
        /// Overrides the document id.
        public static let id = "kuzzle-id"
        /// Overrides the action.
        public static let action = "kuzzle-action"
    }

    /// The deepest nesting of objects and arrays accepted in a value (the envelope counts as one level).
    /// Default: 128.
    public var maximumNestingDepth: Int

    /// Creates a router.
    public init(maximumNestingDepth: Int = 128) {
        self.maximumNestingDepth = maximumNestingDepth
    }

    /// Decodes one record into a document event.
    ///
    /// - Parameters:
    ///   - record: The Kafka record (its ``SourceRecord/epoch`` is copied into the event's source).
    ///   - routing: The routing of the record's topic.
    /// - Returns: The event; its body, when present, is a slice of `record.value`.
    /// - Throws: An ``EventDecodingError`` naming the record, the field and the reason.
    public func route(_ record: SourceRecord, routing: TopicRouting) throws(EventDecodingError) -> DocumentEvent {
        do {
            return try route(taking: record, routing: routing)
        } catch {
            throw error.error
        }
    }

    /// Decodes one record into a document event, moving the record into the event (no copy of its key, value or
    /// headers: the per-record path of the pipeline).
    ///
    /// - Returns: The event, which holds the record.
    /// - Throws: ``UnroutableRecord``: the decoding error together with the record (for the dead-letter topic).
    public func route(
        taking record: consuming SourceRecord,
        routing: TopicRouting
    ) throws(UnroutableRecord) -> DocumentEvent {
        let route: Route
        do {
            route = try resolve(record, routing: routing)
        } catch {
            throw UnroutableRecord(error: error, record: record)
        }
        var body: ArraySlice<UInt8>?
        if let range = route.body, let value = record.value {
            if let moved = route.movedMembers {
                body = ArraySlice(moved.rewrite(value))
                if let removed = route.removedMember, let rest = moved.rest {
                    body = ArraySlice(JSONMemberRemoval.removing(removed, shiftedBy: 1 - rest.lowerBound, from: body!))
                }
            } else if let removed = route.removedMember {
                body = ArraySlice(JSONMemberRemoval.removing(removed, from: value, within: range))
            } else {
                body = value[range]
            }
        }
        return DocumentEvent(
            source: record.source,
            target: route.target,
            id: route.id,
            action: route.action,
            body: body,
            record: consume record,
            importHazard: route.hazard,
            externalVersion: route.externalVersion
        )
    }

    /// A record ``route(taking:routing:)`` could not route, handed back with the reason.
    public struct UnroutableRecord: Error, Sendable {
        /// Why the record cannot be routed.
        public var error: EventDecodingError
        /// The record.
        public var record: SourceRecord
    }

    /// Where a record goes, as decoded from it: what ``DocumentEvent`` needs besides the record.
    struct Route {
        var target: DocumentTarget
        var id: String
        var action: DocumentAction
        /// The body's position in the record's value (`nil` for a delete).
        var body: Range<Int>?
        /// What the body holds that bulk:import would mishandle.
        var hazard: ImportHazard = .none
        /// The members to move to the end of the body (``ImportHazard/firstKeyIsActionName``).
        var movedMembers: BodyScan.MemberMove?
        /// The external version of a fenced event (``TopicRouting/fence``).
        var externalVersion: Int64?
        /// A member of the body to leave out (`__deleted` of a `debezium-unwrapped` row), from its opening quote to
        /// the end of its value.
        var removedMember: Range<Int>?
    }

    private func resolve(_ record: borrowing SourceRecord, routing: TopicRouting) throws(EventDecodingError) -> Route {
        do {
            return try decode(record, routing: routing)
        } catch {
            throw EventDecodingError(
                source: record.source,
                kind: error.kind,
                field: error.field,
                reason: error.reason,
                position: error.position,
                disposition: error.disposition
            )
        }
    }

    // MARK: - Decoding

    private func decode(_ record: borrowing SourceRecord, routing: TopicRouting) throws(RoutingProblem) -> Route {
        var start = 0
        if routing.usesExtendedDecoding {
            if routing.format.isDebezium { return try decodeChangeEvent(record, routing: routing) }
            if let value = record.value { start = try framedStart(of: value, framing: routing.valueFraming) }
        }
        let overrides = record.headers.isEmpty ? HeaderOverrides() : try HeaderOverrides(record.headers)
        var fields = EnvelopeFields()
        if let value = record.value {
            fields = try scan(value, format: routing.format, from: start)
        }
        let index = try resolveName(
            overrides.index ?? fields.index ?? routing.defaultIndex,
            field: "index",
            problem: KuzzleNames.problemWithIndexName
        )
        let collection = try resolveName(
            overrides.collection ?? fields.collection ?? routing.defaultCollection,
            field: "collection",
            problem: KuzzleNames.problemWithCollectionName
        )

        let action: DocumentAction
        let actionField = overrides.action != nil ? HeaderName.action : "action"
        if let name = overrides.action ?? fields.action {
            guard let known = DocumentAction(rawValue: name) else {
                throw RoutingProblem(
                    .unknownAction,
                    actionField,
                    "\"\(name)\" is not one of write, create, update, delete"
                )
            }
            action = known
        } else {
            action = record.value == nil ? .delete : .write
        }

        let body: Range<Int>?
        if action == .delete {
            body = nil
        } else if let value = record.value {
            guard let range = fields.body else {
                throw RoutingProblem(.missingField, "body", "a \(action) needs a body")
            }
            guard value[range.lowerBound] == UInt8(ascii: "{") else {
                throw RoutingProblem(.notAnObject, "body", "the body must be a JSON object", position: range.lowerBound)
            }
            body = range
        } else {
            throw RoutingProblem(.missingField, "value", "a tombstone can only delete, but the action is \(action)")
        }

        let id = try resolveID(record, overrides: overrides, envelopeID: fields.id, action: action, routing: routing)
        var route = Route(
            target: DocumentTarget(index: index, collection: collection),
            id: id,
            action: action,
            body: body
        )
        if routing.fence.isEnabled {
            route.externalVersion = try externalVersion(of: record, action: action, fence: routing.fence)
        }
        if body != nil { try checkImportHazards(fields.bodyScan, of: &route, routing: routing) }
        return route
    }

    /// Sets the route's ``ImportHazard`` from the body scan, or refuses the event when no route can carry it intact.
    func checkImportHazards(
        _ scan: BodyScan,
        of route: inout Route,
        routing: TopicRouting
    ) throws(RoutingProblem) {
        var reason: String?
        if let script = scan.scriptKey {
            route.hazard = .scriptKey
            let answer = script.valueIsNull ? "fails it with 500" : "refuses it with 400"
            reason =
                "has a \"\(script.name)\" key (at byte \(script.position)) whose value is not an object of only id and "
                + "params: Kuzzle's bulk:import \(answer) for the whole request"
        } else if route.action == .write || route.action == .create, let move = scan.leadingActionMembers {
            if move.canMove {
                route.hazard = .firstKeyIsActionName
                route.movedMembers = move
            } else {
                route.hazard = .onlyActionNameKeys
                reason =
                    "starts with the key \"\(move.firstName.rawValue)\" and no reordering of its members keeps it intact: "
                    + "Kuzzle's bulk:import would take it for an action line"
            }
        }
        guard let reason, !(route.action == .write && routing.mWriteAvailable) else { return }
        let noRoute =
            route.action == .write
            ? "writer.route is import, and no other route can carry it intact"
            : "bulk:mWrite cannot carry \(route.action == .update ? "an update" : "a create") either: no route can write it intact"
        throw RoutingProblem(.importHazard, "body", "the body \(reason); \(noRoute)")
    }

    func resolveName(
        _ name: String?,
        field: String,
        problem: (String) -> String?
    ) throws(RoutingProblem) -> String {
        guard let name else {
            throw RoutingProblem(.missingField, field, "no \(field) in the event and no default for the topic")
        }
        if let reason = problem(name) {
            throw RoutingProblem(.invalidName, field, "\"\(name)\" \(reason)")
        }
        return name
    }

    private func resolveID(
        _ record: borrowing SourceRecord,
        overrides: HeaderOverrides,
        envelopeID: String?,
        action: DocumentAction,
        routing: TopicRouting
    ) throws(RoutingProblem) -> String {
        let id: String
        let field: String
        if let header = overrides.id {
            (id, field) = (header, HeaderName.id)
        } else if let envelopeID {
            (id, field) = (envelopeID, "_id")
        } else if routing.usesExtendedDecoding, routing.keyFraming != .none, record.key != nil {
            (id, field) = (try framedKeyID(record.key, routing: routing), "key")
        } else if let key = record.key, !key.isEmpty {
            guard let text = String(validating: key, as: UTF8.self) else {
                throw RoutingProblem(.invalidField, "key", "the key is not valid UTF-8")
            }
            (id, field) = (text, "key")
        } else if record.value == nil {
            throw RoutingProblem(.tombstoneWithoutKey, "key", "a tombstone needs a key naming the document to delete")
        } else if action == .update || action == .delete {
            throw RoutingProblem(.missingField, "_id", "a \(action) needs a document id")
        } else {
            return "\(record.topic)-\(record.partition)-\(record.offset)"
        }
        if let problem = DocumentRules.problemWithID(byteCount: id.utf8.count) {
            throw RoutingProblem(.invalidID, field, "the document id \(problem)")
        }
        return id
    }
}
