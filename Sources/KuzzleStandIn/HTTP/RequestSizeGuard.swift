import NIOCore
import NIOHTTP1

/// Enforces `maxRequestSize` on the bytes received (compressed, before decompression) and checks
/// `Content-Encoding`, answering with Kuzzle's bare errors (kuzzle-api.md §1, §3.3).
///
/// Sits between the HTTP decoder and the decompressor. After a refusal the rest of the body is read and
/// dropped, and the connection is closed when the body ends or after ``drainTimeout``, whichever comes first
/// (so that clients still sending usually read the 413; real Kuzzle may reset instead, clients must handle both).
final class RequestSizeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let maximumSize: Int
    private var received = 0
    private var refusing = false
    private var closeTimer: Scheduled<Void>?
    /// How long a refused request's body may keep arriving before the connection is closed.
    static let drainTimeout: TimeAmount = .seconds(1)

    init(maximumSize: Int) {
        self.maximumSize = maximumSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            received = 0
            refusing = false
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > maximumSize {
                refuse(context: context, with: .requestTooLarge())
                return
            }
            if let refusal = Self.encodingRefusal(head.headers) {
                refuse(context: context, with: refusal)
                return
            }
            context.fireChannelRead(data)
        case .body(let buffer):
            guard !refusing else { return }
            received += buffer.readableBytes
            if received > maximumSize {
                refuse(context: context, with: .requestTooLarge())
                return
            }
            context.fireChannelRead(data)
        case .end:
            if refusing {
                refusing = false
                closeTimer?.cancel()
                context.close(promise: nil)
                return
            }
            context.fireChannelRead(data)
        }
    }

    /// Kuzzle accepts `gzip`, `deflate` and `identity`, at most 3 layers.
    private static func encodingRefusal(_ headers: HTTPHeaders) -> KuzzleErrorReply? {
        let encodings = headers[canonicalForm: "Content-Encoding"].map { $0.lowercased() }
        guard !encodings.isEmpty else { return nil }
        guard encodings.count <= 3 else { return .tooManyEncodings() }
        for encoding in encodings where !["gzip", "deflate", "identity"].contains(encoding) {
            return .unsupportedCompression(encoding)
        }
        if encodings.filter({ $0 != "identity" }).count > 1 {
            // Valid for Kuzzle, but the stand-in decodes one compression layer only: refuse loudly.
            return .unsupportedCompression(encodings.joined(separator: ", "))
        }
        return nil
    }

    private func refuse(context: ChannelHandlerContext, with error: KuzzleErrorReply) {
        refusing = true
        let body = EnvelopeWriter.body(of: .bare(error), requestID: "", node: "", allocator: context.channel.allocator)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: error.status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let channel = context.channel
        closeTimer = context.eventLoop.scheduleTask(in: Self.drainTimeout) { channel.close(promise: nil) }
    }
}
