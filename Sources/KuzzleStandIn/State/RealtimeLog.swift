import NIOCore

/// Kuzzle's own limits as the stand-in applies and reports them (`GET /_capabilities`, kuzzle-api.md §7), changeable
/// at run time through the control surface. Locked by ``StandInState``.
struct StandInLimits: Sendable, Hashable {
    /// `limits.documentsWriteCount`: documents one document:m* request may write (mDelete: may find). Default: 200.
    var documentsWriteCount: Int
    /// `limits.concurrentRequests`, reported only (the stand-in does not queue). Default: 100.
    var concurrentRequests: Int
    /// Whether `GET /_capabilities` answers 404 `network.http.url_not_found`, as a Kuzzle older than 2.17 does.
    var refusesCapabilities = false
}

/// One realtime notification Kuzzle would send (realtime.md): which request caused it, the change it reports, its
/// scope, the document and the request's volatile data.
public struct StandInNotification: Sendable {
    /// The stand-in's sequence number of the request that caused it (1 for the first notifying request).
    public var request: Int
    /// The API action of that request (`bulk:mWrite`, `document:mCreateOrReplace`…).
    public var requestAction: String
    /// `create`, `replace`, `update` or `delete`.
    public var action: String
    /// `in` (the document now matches) or `out` (it no longer exists).
    public var scope: String
    /// The document id.
    public var id: String
    /// The `X-Kuzzle-Volatile` object as sent, `nil` without the header.
    public var volatile: ByteBuffer?

    /// The volatile object as text (`nil` without one).
    public var volatileText: String? { volatile.map { String(buffer: $0) } }
}

/// The notifications Kuzzle would have sent, in order (control surface only). Locked by ``StandInState``.
struct NotificationLog: Sendable {
    private(set) var notifications: [StandInNotification] = []
    private var requests = 0

    /// Records the notifications of one request (none is recorded for an empty list).
    mutating func record(
        _ changes: [(action: String, id: String)],
        requestAction: KuzzleAction,
        volatile: ByteBuffer?
    ) {
        guard !changes.isEmpty else { return }
        requests += 1
        for change in changes {
            notifications.append(
                StandInNotification(
                    request: requests,
                    requestAction: requestAction.rawValue,
                    action: change.action,
                    scope: change.action == "delete" ? "out" : "in",
                    id: change.id,
                    volatile: volatile
                )
            )
        }
    }

    /// The log as `{"requests":N,"count":M,"notifications":[{"request","requestAction","action","scope","_id",
    /// "volatile"}…]}`.
    func json() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(notifications.count * 160 + 48)
        buffer.writeStaticString("{\"requests\":")
        buffer.writeJSONNumber(requests)
        buffer.writeStaticString(",\"count\":")
        buffer.writeJSONNumber(notifications.count)
        buffer.writeStaticString(",\"notifications\":[")
        for (position, notification) in notifications.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            buffer.writeStaticString("{\"request\":")
            buffer.writeJSONNumber(notification.request)
            buffer.writeStaticString(",\"requestAction\":")
            buffer.writeJSONString(notification.requestAction)
            buffer.writeStaticString(",\"action\":")
            buffer.writeJSONString(notification.action)
            buffer.writeStaticString(",\"scope\":")
            buffer.writeJSONString(notification.scope)
            buffer.writeStaticString(",\"_id\":")
            buffer.writeJSONString(notification.id)
            buffer.writeStaticString(",\"volatile\":")
            if var volatile = notification.volatile {
                buffer.writeBuffer(&volatile)
            } else {
                buffer.writeStaticString("null")
            }
            buffer.writeStaticString("}")
        }
        buffer.writeStaticString("]}")
        return buffer
    }
}
