import NIOCore
import Synchronization

/// The stand-in's own HTTP control surface under `/_standin/…` (Kuzzle has nothing like it):
/// `GET /_standin/dump/{i}/{c}`, `GET /_standin/counters`, `POST /_standin/faults` (body below),
/// `POST /_standin/faults/clear`, `POST /_standin/reset`, `PUT /_standin/collections/{i}/{c}` (optional body
/// `{"gc_deletes":"2s"}`: how long versioned deletes' tombstones live in that collection, default 60 s),
/// `POST /_standin/write-log` (start recording, or restart with an empty log, the write time of every document id) and
/// `GET /_standin/write-log` (the log as text, one `id epochMilliseconds` line per write, in write order),
/// `GET /_standin/notifications` (the realtime notifications Kuzzle would have sent, ``NotificationLog/json()``),
/// `POST /_standin/notifications/clear`, and `POST /_standin/limits` (`{"documentsWriteCount":100,
/// "concurrentRequests":50,"refuseCapabilities":true}`, every key optional; a reset restores the configured ones).
/// `"hang":true` holds every API request unanswered until `"hang":false` (a Kuzzle that stopped answering).
///
/// Faults body (every key optional): `{"failNext":{"count":2,"status":503,"id":"api.process.overloaded",
/// "message":"…"},"latencyMs":50,"drop":{"when":"beforeWrite"|"afterWrite","count":1},
/// "reject":{"field":"qty","value":"ten"},"overloaded":true,"hang":true,"maxConcurrentWrites":2,"updateConflicts":2}`
/// (`updateConflicts`: concurrent writes the next bulk:import updates run into, see
/// ``StandInFaultControl/conflictUpdates(_:)``)
/// (`maxConcurrentWrites`: write requests beyond that many unanswered get 429; 0 or null removes the cap).
struct ControlRoutes: Sendable {
    let state: StandInState

    func handle(_ request: StandInRequest) -> StandInReply {
        let segments = request.path.split(separator: "/").map { String($0).removingPercentEncodingOrSelf }
        switch (request.verb, Array(segments.dropFirst())) {
        case ("GET", let rest) where rest.count == 3 && rest[0] == "dump":
            return dump(index: rest[1], collection: rest[2])
        case ("GET", ["counters"]):
            let counters = state.counters.withLock { $0 }
            func map(_ values: [String: Int]) -> JSONFragment {
                .object(values.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
            }
            return reply(
                .object([
                    ("requests", map(counters.requests)), ("documentsReceived", map(counters.documentsReceived)),
                    ("documentsWritten", .int(counters.documentsWritten)),
                    ("firstWriteAt", counters.firstWriteAt.map { .int(Int($0)) } ?? .null),
                    ("lastWriteAt", counters.lastWriteAt.map { .int(Int($0)) } ?? .null),
                    ("versionConflicts", .int(counters.versionConflicts)),
                ])
            )
        case ("POST", ["write-log"]):
            state.store.withLock { $0.writeLog = [] }
            return reply(.object([("acknowledged", .bool(true))]))
        case ("GET", ["write-log"]):
            let log = state.store.withLock { $0.writeLog ?? [] }
            var buffer = ByteBuffer()
            buffer.reserveCapacity(log.count * 32)
            for entry in log {
                buffer.writeString(entry.id)
                buffer.writeStaticString(" ")
                buffer.writeString(String(entry.at))
                buffer.writeStaticString("\n")
            }
            return .control(status: 200, body: buffer)
        case ("GET", ["notifications"]):
            return .control(status: 200, body: state.notifications.withLock { $0.json() })
        case ("POST", ["notifications", "clear"]):
            state.notifications.withLock { $0 = NotificationLog() }
            return reply(.object([("acknowledged", .bool(true))]))
        case ("POST", ["limits"]):
            guard let json = try? RawJSON.parse(request.body), json.kind == .object else {
                return reply(.object([("error", .string("the limits body must be a JSON object"))]), status: 400)
            }
            state.limits.withLock { limits in
                if let count = json["documentsWriteCount"]?.doubleValue { limits.documentsWriteCount = Int(count) }
                if let count = json["concurrentRequests"]?.doubleValue { limits.concurrentRequests = Int(count) }
                if let refuse = json["refuseCapabilities"]?.boolValue { limits.refusesCapabilities = refuse }
            }
            return reply(.object([("acknowledged", .bool(true))]))
        case ("POST", ["faults"]):
            return applyFaults(request.body)
        case ("POST", ["faults", "clear"]):
            StandInFaultControl(state: state).clear()
            return reply(.object([("acknowledged", .bool(true))]))
        case ("POST", ["reset"]):
            state.reset()
            return reply(.object([("acknowledged", .bool(true))]))
        case ("PUT", let rest) where rest.count == 3 && rest[0] == "collections":
            let gcDeletes = (try? RawJSON.parse(request.body)).flatMap { ActionContext.gcDeletesMilliseconds($0) }
            state.store.withLock { store in
                store.createCollection(index: rest[1], collection: rest[2])
                if let gcDeletes { store.tombstones.setLifetime(gcDeletes, index: rest[1], collection: rest[2]) }
            }
            return reply(.object([("acknowledged", .bool(true))]))
        default:
            return reply(.object([("error", .string("unknown stand-in control route \(request.path)"))]), status: 404)
        }
    }

    private func reply(_ fragment: JSONFragment, status: Int = 200) -> StandInReply {
        var buffer = ByteBuffer()
        fragment.write(into: &buffer)
        return .control(status: status, body: buffer)
    }

    private func dump(index: String, collection: String) -> StandInReply {
        guard state.store.withLock({ $0.collectionExists(index: index, collection: collection) }) else {
            return reply(.object([("error", .string("no collection \(index)/\(collection)"))]), status: 404)
        }
        let documents = state.store.withLock { $0.documents(index: index, collection: collection) }
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"index\":")
        buffer.writeJSONString(index)
        buffer.writeStaticString(",\"collection\":")
        buffer.writeJSONString(collection)
        buffer.writeStaticString(",\"count\":")
        buffer.writeJSONNumber(documents.count)
        buffer.writeStaticString(",\"documents\":[")
        for (position, entry) in documents.sorted(by: { $0.key < $1.key }).enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            var item = ActionContext.documentResult(id: entry.key, document: entry.value)
            buffer.writeBuffer(&item)
        }
        buffer.writeStaticString("]}")
        return .control(status: 200, body: buffer)
    }

    private func applyFaults(_ body: [UInt8]) -> StandInReply {
        guard let json = try? RawJSON.parse(body), json.kind == .object else {
            return reply(.object([("error", .string("the faults body must be a JSON object"))]), status: 400)
        }
        let control = StandInFaultControl(state: state)
        if let failNext = json["failNext"] {
            let status = failNext["status"]?.doubleValue.map { Int($0) } ?? 503
            let id = failNext["id"]?.stringValue ?? "api.process.overloaded"
            let known: [KuzzleErrorReply] = [
                .overloaded, .shuttingDown, .tooManyRequests, .tokenExpired, .tokenInvalid, .storageNotConnected,
                .storageTooManyOperations, .storageUnexpected(),
            ]
            var error =
                known.first { $0.id == id && $0.status == status }
                ?? KuzzleErrorReply(status: status, id: id, message: id)
            if let message = failNext["message"]?.stringValue { error.message = message }
            let count = failNext["count"]?.doubleValue.map { Int($0) } ?? 1
            control.failNextRequests(count, with: error)
        }
        if let latency = json["latencyMs"]?.doubleValue {
            control.setLatency(latency > 0 ? .milliseconds(Int64(latency)) : nil)
        }
        if let drop = json["drop"] {
            let when = StandInConnectionDrop(rawValue: drop["when"]?.stringValue ?? "") ?? .beforeWrite
            control.dropConnections(when, count: drop["count"]?.doubleValue.map { Int($0) } ?? 1)
        }
        if let reject = json["reject"], let field = reject["field"]?.stringValue, let value = reject["value"] {
            control.rejectDocuments(StandInDocumentRejection(field: field, value: value.stringValue ?? value.text))
        }
        if let conflicts = json["updateConflicts"]?.doubleValue { control.conflictUpdates(Int(conflicts)) }
        if let overloaded = json["overloaded"]?.boolValue { control.setOverloaded(overloaded) }
        if let hang = json["hang"]?.boolValue { control.setHanging(hang) }
        if let cap = json["maxConcurrentWrites"] {
            let limit = cap.doubleValue.map { Int($0) } ?? 0
            control.limitConcurrentWrites(limit > 0 ? limit : nil)
        }
        return reply(.object([("acknowledged", .bool(true))]))
    }
}
