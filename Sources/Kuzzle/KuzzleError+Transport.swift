import AsyncHTTPClient
import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KuzzleError {
    /// Classifies a failure to get an answer at all (no HTTP status).
    ///
    /// - A connection reset or close (EOF) → transient, with ``KuzzleError/droppedWhileSendingBytes`` set to the body
    ///   size: Kuzzle answers 413 before reading a large body and closes (the reset may overtake the answer,
    ///   kuzzle-api.md §1), but a restarting Kuzzle drops connections too, so one drop proves nothing about size; the
    ///   writer's policy splits only when drops repeat at the same large size (issue 14 item 8).
    /// - Timeouts, refused connections, DNS failures → transient; the request's deadline and read or
    ///   write timeouts are marked ``KuzzleError/isTimeout`` (an overload signal; a connect timeout is not one: the
    ///   server is unreachable rather than slow).
    /// - TLS failures (untrusted certificate, unreadable CA file, hostname mismatch) and invalid URLs → fatal.
    static func transport(_ error: any Error, sentBodyBytes: Int) -> KuzzleError {
        let message = "\(error)"
        if let error = error as? KuzzleError { return error }
        if error is CancellationError {
            return KuzzleError(kind: .transient, status: nil, id: nil, message: "request cancelled")
        }
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath, .alreadyShutdown:
                return KuzzleError(kind: .fatal, status: nil, id: nil, message: message)
            case .remoteConnectionClosed:
                return dropped(message, sentBodyBytes: sentBodyBytes)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return KuzzleError(kind: .transient, status: nil, id: nil, message: message, isTimeout: true)
            default:
                return KuzzleError(kind: .transient, status: nil, id: nil, message: message)
            }
        }
        if let sslError = error as? NIOSSLError {
            if case .uncleanShutdown = sslError {
                return dropped(message, sentBodyBytes: sentBodyBytes)
            }
            return KuzzleError(kind: .fatal, status: nil, id: nil, message: "TLS: \(message)")
        }
        if error is NIOSSLExtraError || error is BoringSSLError {
            return KuzzleError(kind: .fatal, status: nil, id: nil, message: "TLS: \(message)")
        }
        if let ioError = error as? IOError, ioError.errnoCode == ECONNRESET || ioError.errnoCode == EPIPE {
            return dropped(message, sentBodyBytes: sentBodyBytes)
        }
        if let channelError = error as? ChannelError {
            switch channelError {
            case .ioOnClosedChannel, .outputClosed, .eof, .alreadyClosed:
                return dropped(message, sentBodyBytes: sentBodyBytes)
            default:
                break
            }
        }
        return KuzzleError(kind: .transient, status: nil, id: nil, message: message)
    }

    /// A dropped connection: transient, with the size of the body that was being sent.
    private static func dropped(_ message: String, sentBodyBytes: Int) -> KuzzleError {
        KuzzleError(
            kind: .transient,
            status: nil,
            id: nil,
            message: "connection dropped while sending \(sentBodyBytes) bytes (\(message))",
            droppedWhileSendingBytes: sentBodyBytes
        )
    }
}
