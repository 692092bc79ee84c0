import NIOCore

/// Serialises replies exactly as Kuzzle does (RESP `toJSON`, KERR `toJSON`): keys in Kuzzle's order, compact.
enum EnvelopeWriter {
    /// Writes the body of `reply`.
    static func body(of reply: StandInReply, requestID: String, node: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        switch reply {
        case .bare(let error):
            var buffer = allocator.buffer(capacity: 256)
            write(error: StandInReply.ErrorBody(reply: error), into: &buffer)
            return buffer
        case .control(_, let body):
            return body
        case .envelope(let envelope):
            let resultSize = envelope.result?.readableBytes ?? 0
            let errorsSize = envelope.error?.errors?.readableBytes ?? 0
            var buffer = allocator.buffer(capacity: 320 + resultSize + errorsSize)
            buffer.writeStaticString("{\"action\":")
            buffer.writeJSONStringOrNull(envelope.action?.action)
            buffer.writeStaticString(",\"collection\":")
            buffer.writeJSONStringOrNull(envelope.collection)
            buffer.writeStaticString(",\"controller\":")
            buffer.writeJSONStringOrNull(envelope.action?.controller)
            buffer.writeStaticString(",\"error\":")
            if let error = envelope.error {
                write(error: error, into: &buffer)
            } else {
                buffer.writeStaticString("null")
            }
            buffer.writeStaticString(",\"headers\":{},\"index\":")
            buffer.writeJSONStringOrNull(envelope.index)
            buffer.writeStaticString(",\"node\":")
            buffer.writeJSONString(node)
            buffer.writeStaticString(",\"requestId\":")
            buffer.writeJSONString(requestID)
            if envelope.error != nil {
                buffer.writeStaticString(",\"result\":null")
            } else if var result = envelope.result {
                buffer.writeStaticString(",\"result\":")
                buffer.writeBuffer(&result)
            }
            buffer.writeStaticString(",\"status\":")
            buffer.writeJSONNumber(envelope.status)
            buffer.writeStaticString(",\"volatile\":")
            if var volatile = envelope.volatile {
                buffer.writeBuffer(&volatile)
            } else {
                buffer.writeStaticString("null")
            }
            buffer.writeStaticString("}")
            return buffer
        }
    }

    /// Writes a Kuzzle error object: `code`, `id`, `message`, `props`, `status` (+ `count`, `errors`).
    static func write(error: StandInReply.ErrorBody, into buffer: inout ByteBuffer) {
        let reply = error.reply
        buffer.writeStaticString("{\"code\":")
        buffer.writeJSONNumber(reply.code)
        buffer.writeStaticString(",\"id\":")
        buffer.writeJSONString(reply.id)
        buffer.writeStaticString(",\"message\":")
        buffer.writeJSONString(reply.message)
        buffer.writeStaticString(",\"props\":[")
        for (position, prop) in reply.props.enumerated() {
            if position > 0 { buffer.writeStaticString(",") }
            buffer.writeJSONString(prop)
        }
        buffer.writeStaticString("],\"status\":")
        buffer.writeJSONNumber(reply.status)
        if var errors = error.errors {
            buffer.writeStaticString(",\"count\":")
            buffer.writeJSONNumber(error.count)
            buffer.writeStaticString(",\"errors\":")
            buffer.writeBuffer(&errors)
        }
        buffer.writeStaticString("}")
    }
}
