#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where finished log lines go. Implementations receive whole lines, newline included, one call per line.
public protocol LogLineSink: Sendable {
    /// Writes one complete line (it ends with `\n`).
    func write(line: String)
}

/// Writes each line to a file descriptor (standard output by default) with a single `write(2)` call.
///
/// A single call keeps lines whole when several processes share the descriptor (up to `PIPE_BUF` bytes on a pipe,
/// which the journal's stream socket does not limit). Calls are serialised by ``BridgeLogOutput``; a partial write
/// (a signal, a full pipe) is completed with further calls, and `EINTR`/`EAGAIN` are retried.
public struct FileDescriptorLogSink: LogLineSink {
    /// The descriptor written to.
    public let fileDescriptor: Int32

    /// Creates a sink writing to `fileDescriptor` (default: standard output).
    public init(fileDescriptor: Int32 = 1) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes `line` with one `write(2)`, continuing only if the kernel took part of it.
    public func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            guard var base = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = systemWrite(fileDescriptor, base, remaining)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return  // Nowhere left to report a failing log stream.
                }
                remaining -= written
                base += written
            }
        }
    }
}

/// `write(2)` from the platform's C library.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, buffer, count)
    #elseif canImport(Musl)
    return Musl.write(descriptor, buffer, count)
    #else
    return Darwin.write(descriptor, buffer, count)
    #endif
}
