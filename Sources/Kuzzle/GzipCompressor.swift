import CNIOExtrasZlib
import NIOCore

/// One-shot gzip compression of a request body, over the zlib that swift-nio-extras vendors (symbols prefixed
/// `cnioextras_z_`, so no clash with a system zlib).
enum GzipCompressor {
    /// zlib's compression level: 1, the fastest. JSON batches still shrink several times, and compression time
    /// stays small beside the network round trip.
    static let level: Int32 = 1

    /// Compresses `input`'s readable bytes into a gzip member (RFC 1952).
    ///
    /// - Throws: ``KuzzleError`` (fatal) if zlib fails, which only happens when memory runs out.
    static func compress(
        _ input: ByteBuffer,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(KuzzleError) -> ByteBuffer {
        // zlib keeps a pointer back to its stream, so the stream needs a stable address.
        let stream = UnsafeMutablePointer<cnioextras_z_stream>.allocate(capacity: 1)
        stream.initialize(to: cnioextras_z_stream())
        defer { stream.deallocate() }
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        let initResult = CNIOExtrasZlib_deflateInit2(
            stream,
            level,
            CNIOEXTRAS_Z_DEFLATED,
            16 + 15,
            8,
            CNIOEXTRAS_Z_DEFAULT_STRATEGY
        )
        guard initResult == CNIOEXTRAS_Z_OK else {
            throw KuzzleError(kind: .fatal, status: nil, id: nil, message: "zlib deflateInit2 failed (\(initResult))")
        }
        defer { cnioextras_z_deflateEnd(stream) }

        let bound = Int(cnioextras_z_deflateBound(stream, UInt(input.readableBytes)))
        var output = allocator.buffer(capacity: bound)
        var status: Int32 = CNIOEXTRAS_Z_OK
        input.withUnsafeReadableBytes { inputBytes in
            _ = output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { outputBytes in
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: inputBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                )
                stream.pointee.avail_in = UInt32(inputBytes.count)
                stream.pointee.next_out = outputBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = UInt32(outputBytes.count)
                status = cnioextras_z_deflate(stream, CNIOEXTRAS_Z_FINISH)
                let written = outputBytes.count - Int(stream.pointee.avail_out)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
                return written
            }
        }
        guard status == CNIOEXTRAS_Z_STREAM_END else {
            throw KuzzleError(kind: .fatal, status: nil, id: nil, message: "zlib deflate did not finish (\(status))")
        }
        return output
    }
}
