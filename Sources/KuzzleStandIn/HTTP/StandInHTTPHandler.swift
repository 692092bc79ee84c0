import NIOCore
import NIOHTTP1
import Synchronization

/// Reads one request at a time, runs it through the ``RequestProcessor`` (faults included) and answers.
final class StandInHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let processor: RequestProcessor
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var failedDecoding = false

    init(processor: RequestProcessor) {
        self.processor = processor
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            failedDecoding = false
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init) {
                body.reserveCapacity(length)
            }
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            self.head = nil
            let bodyBytes = body
            body = []
            if failedDecoding {
                respond(context: context, head: head, requestID: "", reply: .bare(.bodyParseFailed(bodyBytes)))
                return
            }
            handle(context: context, head: head, body: bodyBytes)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Decompression errors land here: the body cannot be turned into JSON.
        if head != nil {
            failedDecoding = true
        } else {
            context.close(promise: nil)
        }
    }

    private func handle(context: ChannelHandlerContext, head: HTTPRequestHead, body: [UInt8]) {
        let requestID = head.headers.first(name: "X-Kuzzle-Request-Id") ?? Self.makeRequestID()
        if let refusal = Self.contentTypeRefusal(head.headers) {
            respond(context: context, head: head, requestID: requestID, reply: .bare(refusal))
            return
        }
        let (path, query) = StandInRequest.splitTarget(head.uri)
        let request = StandInRequest(
            verb: head.method.rawValue,
            path: path,
            query: query,
            headers: head.headers,
            body: body,
            requestID: requestID
        )
        switch processor.prepare(request) {
        case .reply(let reply):
            respond(context: context, head: head, requestID: requestID, reply: reply)
        case .execute(let prepared, let decision):
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            let run: @Sendable () -> Void = {
                eventLoop.execute {
                    loopBound.value.handler.run(
                        context: loopBound.value.context,
                        head: head,
                        prepared: prepared,
                        decision: decision
                    )
                }
            }
            if decision.hang {
                let heldNow = processor.state.faults.withLock { plan in
                    guard plan.hanging else { return false }
                    plan.heldRequests.append(run)
                    return true
                }
                if heldNow { return }
            }
            if let latency = decision.latency {
                eventLoop.scheduleTask(in: .nanoseconds(Int64(latency / .nanoseconds(1)))) { run() }
            } else {
                self.run(context: context, head: head, prepared: prepared, decision: decision)
            }
        }
    }

    private func run(
        context: ChannelHandlerContext,
        head: HTTPRequestHead,
        prepared: PreparedRequest,
        decision: FaultDecision
    ) {
        defer {
            if decision.holdsWriteSlot { processor.state.faults.withLock { $0.writeFinished() } }
        }
        guard context.channel.isActive else { return }
        if decision.drop == .beforeWrite {
            context.close(promise: nil)
            return
        }
        let reply = processor.execute(prepared, failure: decision.failure)
        if decision.drop == .afterWrite {
            context.close(promise: nil)
            return
        }
        respond(context: context, head: head, requestID: prepared.request.requestID, reply: reply)
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, requestID: String, reply: StandInReply)
    {
        let configuration = processor.state.configuration
        let body = EnvelopeWriter.body(
            of: reply,
            requestID: requestID,
            node: configuration.nodeID,
            allocator: context.channel.allocator
        )
        var headers = HTTPHeaders()
        headers.reserveCapacity(10)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Content-Encoding", value: "identity")
        let isBare: Bool
        if case .bare = reply { isBare = true } else { isBare = false }
        if !isBare {
            headers.add(name: "X-Kuzzle-Request-Id", value: requestID)
            headers.add(name: "X-Kuzzle-Node", value: configuration.nodeID)
            headers.add(
                name: "Access-Control-Allow-Headers",
                value:
                    "Content-Type, Access-Control-Allow-Headers, Authorization, X-Requested-With, Content-Length, Content-Encoding, X-Kuzzle-Volatile"
            )
            headers.add(name: "Access-Control-Allow-Methods", value: "GET,POST,PUT,PATCH,DELETE,HEAD")
            headers.add(name: "Access-Control-Allow-Credentials", value: "true")
        }
        let keepAlive = head.isKeepAlive && !(configuration.connectionClose && !isBare)
        if configuration.connectionClose, !isBare {
            headers.add(name: "Connection", value: "close")
        }
        let responseHead = HTTPResponseHead(
            version: head.version,
            status: HTTPResponseStatus(statusCode: reply.status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Kuzzle accepts JSON, url-encoded and multipart bodies (or no type), in utf-8 only.
    private static func contentTypeRefusal(_ headers: HTTPHeaders) -> KuzzleErrorReply? {
        guard let contentType = headers.first(name: "Content-Type") else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingSpaces.lowercased() }
        let accepted = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
        guard let mediaType = parts.first, accepted.contains(mediaType) else {
            return .unsupportedContent(contentType)
        }
        for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
            let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: "\"")
            if charset != "utf-8" && charset != "utf8" {
                return .unsupportedCharset(charset)
            }
        }
        return nil
    }

    /// A random UUID string (version 4).
    static func makeRequestID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(
            separator: "-"
        )
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
