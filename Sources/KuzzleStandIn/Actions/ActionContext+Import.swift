import NIOCore
import Synchronization

extension ActionContext {
    /// One parsed bulk:import operation.
    struct ImportOperation {
        enum Verb: String { case index, create, update, delete }
        var verb: Verb
        var id: String?
        var payload: RawJSON?
        var externalVersion: Int?
        /// `external`/`external_gt` (conflict if current ≥ given) or `external_gte` (conflict if current > given).
        var allowsEqualVersion = false
        /// Whether Kuzzle took the payload line for an action line (its first key is an action name): it was stored
        /// with `_index` injected into that key's object value and without `_kuzzle_info`.
        var payloadTakenForActionLine = false
        /// `retry_on_conflict` of an update: how many concurrent-write conflicts Elasticsearch retries internally.
        var retryOnConflict = 0
    }

    /// bulk:import (kuzzle-api.md §4.2): Elasticsearch bulk lines, `_kuzzle_info` added, items keyed by action.
    func importBulk() -> ActionResult {
        let bulkData: RawJSON
        switch requireArray("bulkData") {
        case .success(let array): bulkData = array
        case .failure(let failure): return .failure(failure)
        }
        if let failure = targetFailure() { return .failure(failure) }
        if let failure = scriptScan(bulkData) { return .failure(failure) }
        let lines = bulkData.elements()
        let takenForActionLines: Set<Int>
        switch actionLineTrap(lines) {
        case .success(let positions): takenForActionLines = positions
        case .failure(let failure): return .failure(failure)
        }
        let operations: [ImportOperation]
        switch parseOperations(lines, takenForActionLines: takenForActionLines) {
        case .success(let parsed): operations = parsed
        case .failure(let failure): return .failure(failure)
        }
        state.countReceived(.bulkImport, operations.count)

        let now = Int(StandInState.now())
        let rejections = state.faults.withLock { $0.rejections }
        var outcomes: [ImportOutcome] = []
        outcomes.reserveCapacity(operations.count)
        for operation in operations {
            if let payload = operation.payload, operation.verb == .index || operation.verb == .create,
                let rejection = documentRejection(payload, id: operation.id, rules: rejections)
            {
                outcomes.append(
                    .failure(operation, status: 400, error: (rejection.type, rejection.reason), source: payload)
                )
                continue
            }
            if operation.verb == .update,
                state.faults.withLock({ $0.updateConflicts(retries: operation.retryOnConflict) })
            {
                let id = operation.id ?? ""
                outcomes.append(
                    .failure(
                        operation,
                        status: 409,
                        error: (
                            "version_conflict_engine_exception",
                            "[\(id)]: version conflict, document changed by another write during the update"
                        ),
                        source: operation.payload?["doc"]
                    )
                )
                continue
            }
            outcomes.append(.pending(operation))
        }
        let kuid = caller.kuid
        let (written, versionConflicts) = state.store.withLock { store in
            var written = 0
            var versionConflicts = 0
            for position in outcomes.indices {
                guard case .pending(let operation) = outcomes[position] else { continue }
                let outcome = Self.apply(
                    operation,
                    to: &store,
                    index: index,
                    collection: collection,
                    kuid: kuid,
                    now: now
                )
                if case .success = outcome { written += 1 }
                if operation.externalVersion != nil, case .failure(_, _, 409, _, _) = outcome { versionConflicts += 1 }
                outcomes[position] = outcome
            }
            return (written, versionConflicts)
        }
        state.countWritten(written)
        if versionConflicts > 0 { state.counters.withLock { $0.versionConflicts += versionConflicts } }

        var errors = ByteBuffer()
        var successes = ByteBuffer()
        var errorCount = 0
        var successCount = 0
        errors.writeStaticString("[")
        successes.writeStaticString("[")
        for outcome in outcomes {
            if case .success = outcome {
                if successCount > 0 { successes.writeStaticString(",") }
                successCount += 1
                outcome.write(into: &successes)
            } else {
                if errorCount > 0 { errors.writeStaticString(",") }
                errorCount += 1
                outcome.write(into: &errors)
            }
        }
        errors.writeStaticString("]")
        successes.writeStaticString("]")
        if request.flag("strict"), errorCount > 0 {
            return .failure(.incomplete("import", errors: errors, count: errorCount))
        }
        var result = ByteBuffer()
        result.writeStaticString("{\"errors\":")
        result.writeBuffer(&errors)
        result.writeStaticString(",\"successes\":")
        result.writeBuffer(&successes)
        result.writeStaticString("}")
        return .success(result)
    }

    /// Reads action/payload lines the way Elasticsearch does; malformed bulks fail as a whole (400).
    private func parseOperations(
        _ lines: [RawJSON],
        takenForActionLines: Set<Int>
    ) -> Result<[ImportOperation], ActionFailure> {
        guard !lines.isEmpty else { return .failure(ActionFailure(.unexpectedBadRequest("request body is required"))) }
        var operations: [ImportOperation] = []
        var position = 0
        while position < lines.count {
            let line = lines[position]
            guard let first = line.members().first, let verb = ImportOperation.Verb(rawValue: first.key) else {
                let found = line.members().first?.key ?? line.text
                return .failure(
                    ActionFailure(
                        .unexpectedBadRequest(
                            "Malformed action/metadata line [\(position + 1)], expected one of "
                                + "[create, delete, index, update] but found [\(found)]"
                        )
                    )
                )
            }
            let metadata = first.value
            var operation = ImportOperation(verb: verb)
            if let id = metadata["_id"], !id.isFalsy { operation.id = id.stringValue ?? id.text }
            switch Self.externalVersion(metadata, verb: verb) {
            case .success(let version):
                operation.externalVersion = version?.version
                operation.allowsEqualVersion = version?.allowsEqual ?? false
            case .failure(let failure):
                return .failure(failure)
            }
            if verb == .update, let retries = metadata["retry_on_conflict"]?.doubleValue {
                operation.retryOnConflict = max(0, Int(retries))
            }
            if operation.id == nil, verb == .update || verb == .delete {
                return .failure(ActionFailure(.unexpectedBadRequest("Validation Failed: 1: id is missing;")))
            }
            if let id = operation.id, let failure = Self.idTooLong(id) { return .failure(failure) }
            position += 1
            if verb != .delete {
                guard position < lines.count, lines[position].kind == .object else {
                    return .failure(
                        ActionFailure(
                            .unexpectedBadRequest(
                                "Malformed action/metadata line [\(position + 1)], expected a payload"
                            )
                        )
                    )
                }
                operation.payload = lines[position]
                if takenForActionLines.contains(position), verb != .update {
                    operation.payload = injectingIndex(into: lines[position])
                    operation.payloadTakenForActionLine = true
                }
                if verb == .update, operation.payload?["doc"] == nil, operation.payload?["upsert"] == nil {
                    return .failure(
                        ActionFailure(.unexpectedBadRequest("Validation Failed: 1: script or doc is missing;"))
                    )
                }
                position += 1
            }
            operations.append(operation)
        }
        return .success(operations)
    }
}

extension ActionContext {
    /// The external version of an action line (`version` with `version_type` `external`, `external_gt` or
    /// `external_gte`), as Elasticsearch validates it: a `create` with an external version, an `update` with any
    /// non-internal version type, an unknown version type, or a missing or negative version fail the whole bulk with
    /// 400 (`services.storage.unexpected_bad_request`).
    static func externalVersion(
        _ metadata: RawJSON,
        verb: ImportOperation.Verb
    ) -> Result<(version: Int, allowsEqual: Bool)?, ActionFailure> {
        let versionType = metadata["version_type"]?.stringValue ?? "internal"
        guard versionType != "internal" else { return .success(nil) }
        func refused(_ reason: String) -> Result<(version: Int, allowsEqual: Bool)?, ActionFailure> {
            .failure(ActionFailure(.unexpectedBadRequest("Validation Failed: 1: \(reason);")))
        }
        guard ["external", "external_gt", "external_gte"].contains(versionType) else {
            return refused("No version type match [\(versionType)]")
        }
        let version = metadata["version"]?.doubleValue
        if verb == .create { return refused("create operations only support internal versioning. use index instead") }
        guard let version, version >= 0, version == version.rounded(), verb != .update else {
            let shown = metadata["version"]?.doubleValue.map { String(Int($0)) } ?? "-3"
            return refused("illegal version value [\(shown)] for version type [\(versionType.uppercased())]")
        }
        return .success((Int(version), versionType == "external_gte"))
    }
}
