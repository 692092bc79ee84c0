import NIOCore
import Synchronization

extension ActionContext {
    /// One mWrite document after Kuzzle's and Elasticsearch's checks.
    private enum MWriteItem {
        /// Refused by Kuzzle before Elasticsearch (body not an object).
        case preRejected(item: RawJSON)
        /// Refused by Elasticsearch (per-item failure).
        case esRejected(id: String?, body: RawJSON, type: String, reason: String)
        /// To write.
        case write(id: String, body: RawJSON)
    }

    /// bulk:mWrite (kuzzle-api.md §4.1): create-or-replace, no metadata, per-document errors, `strict`.
    func mWrite() -> ActionResult {
        let documents: RawJSON
        switch requireArray("documents") {
        case .success(let array): documents = array
        case .failure(let failure): return .failure(failure)
        }
        if let failure = targetFailure() { return .failure(failure) }
        let inputs = documents.elements()
        state.countReceived(.bulkMWrite, inputs.count)

        let rejections = state.faults.withLock { $0.rejections }
        var items: [MWriteItem] = []
        items.reserveCapacity(inputs.count)
        for input in inputs {
            var idValue: RawJSON?
            var bodyValue: RawJSON?
            input.forEachMember { key, value in
                if idValue == nil, key.elementsEqual("_id".utf8) {
                    idValue = value
                } else if bodyValue == nil, key.elementsEqual("body".utf8) {
                    bodyValue = value
                }
            }
            guard let bodyValue, bodyValue.kind == .object else {
                items.append(.preRejected(item: input))
                continue
            }
            let givenID: String? =
                switch idValue {
                case .none: nil
                case .some(let value) where value.isFalsy: nil
                case .some(let value): value.stringValue ?? value.text
                }
            if let givenID, let failure = Self.idTooLong(givenID) { return .failure(failure) }
            if let rejection = documentRejection(bodyValue, id: givenID, rules: rejections) {
                items.append(.esRejected(id: givenID, body: bodyValue, type: rejection.type, reason: rejection.reason))
                continue
            }
            items.append(.write(id: givenID ?? Self.generateID(), body: bodyValue))
        }

        var created: [Bool] = []
        let versions: [Int] = state.store.withLock { store in
            var versions: [Int] = []
            versions.reserveCapacity(items.count)
            created.reserveCapacity(items.count)
            for case .write(let id, let body) in items {
                let outcome = store.put(index: index, collection: collection, id: id, body: Array(body.bytes))
                versions.append(outcome.version)
                created.append(outcome.created)
            }
            return versions
        }
        state.countWritten(versions.count)

        var errors = ByteBuffer()
        var errorCount = 0
        errors.writeStaticString("[")
        func appendSeparator() {
            if errorCount > 0 { errors.writeStaticString(",") }
            errorCount += 1
        }
        for case .preRejected(let item) in items {
            appendSeparator()
            errors.writeStaticString("{\"document\":")
            errors.writeBytes(item.bytes)
            errors.writeStaticString(",\"reason\":\"document body must be an object\",\"status\":400}")
        }
        for case .esRejected(let id, let body, _, let reason) in items {
            appendSeparator()
            errors.writeStaticString("{\"document\":{\"_source\":")
            errors.writeBytes(body.bytes)
            if let id {
                errors.writeStaticString(",\"_id\":")
                errors.writeJSONString(id)
            }
            errors.writeStaticString("},\"reason\":")
            errors.writeJSONString(reason)
            errors.writeStaticString(",\"status\":400}")
        }
        errors.writeStaticString("]")

        if request.flag("strict"), errorCount > 0 {
            // realtime.md §1: the strict check throws before the notifier runs; nothing is notified.
            return .failure(.incomplete("write", errors: errors, count: errorCount))
        }
        if request.flag("notify") {
            var changes: [(action: String, id: String)] = []
            var written = 0
            for case .write(let id, _) in items {
                changes.append((created[written] ? "create" : "replace", id))
                written += 1
            }
            state.notifications.withLock { $0.record(changes, requestAction: .bulkMWrite, volatile: prepared.volatile) }
        }
        var result = ByteBuffer()
        result.reserveCapacity(errors.readableBytes + request.body.count + items.count * 48 + 32)
        result.writeStaticString("{\"errors\":")
        result.writeBuffer(&errors)
        result.writeStaticString(",\"successes\":[")
        var position = 0
        for case .write(let id, let body) in items {
            if position > 0 { result.writeStaticString(",") }
            result.writeStaticString("{\"_id\":")
            result.writeJSONString(id)
            result.writeStaticString(",\"_source\":")
            result.writeBytes(body.bytes)
            result.writeStaticString(",\"_version\":")
            result.writeJSONNumber(versions[position])
            result.writeStaticString("}")
            position += 1
        }
        result.writeStaticString("]}")
        return .success(result)
    }
}
