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
    /// - A connection reset or close while a body of at least `largeBodyThreshold` bytes was being sent →
    ///   tooLarge: Kuzzle answers 413 before reading the body and closes, and the reset may overtake the answer
    ///   (kuzzle-api.md §1). Replaying a split batch is idempotent, so a misread drop costs nothing.
    /// - Other resets, timeouts, refused connections, DNS failures → transient; the request's deadline and read or
    ///   write timeouts are marked ``KuzzleError/isTimeout`` (an overload signal; a connect timeout is not one: the
    ///   server is unreachable rather than slow).
    /// - TLS failures (untrusted certificate, unreadable CA file, hostname mismatch) and invalid URLs → fatal.
    static func transport(_ error: any Error, sentBodyBytes: Int, largeBodyThreshold: Int) -> KuzzleError {
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
                return resetKind(message, sentBodyBytes: sentBodyBytes, threshold: largeBodyThreshold)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return KuzzleError(kind: .transient, status: nil, id: nil, message: message, isTimeout: true)
            default:
                return KuzzleError(kind: .transient, status: nil, id: nil, message: message)
            }
        }
        if let sslError = error as? NIOSSLError {
            if case .uncleanShutdown = sslError {
                return resetKind(message, sentBodyBytes: sentBodyBytes, threshold: largeBodyThreshold)
            }
            return KuzzleError(kind: .fatal, status: nil, id: nil, message: "TLS: \(message)")
        }
        if error is NIOSSLExtraError || error is BoringSSLError {
            return KuzzleError(kind: .fatal, status: nil, id: nil, message: "TLS: \(message)")
        }
        if let ioError = error as? IOError, ioError.errnoCode == ECONNRESET || ioError.errnoCode == EPIPE {
            return resetKind(message, sentBodyBytes: sentBodyBytes, threshold: largeBodyThreshold)
        }
        if let channelError = error as? ChannelError {
            switch channelError {
            case .ioOnClosedChannel, .outputClosed, .eof, .alreadyClosed:
                return resetKind(message, sentBodyBytes: sentBodyBytes, threshold: largeBodyThreshold)
            default:
                break
            }
        }
        return KuzzleError(kind: .transient, status: nil, id: nil, message: message)
    }

    /// A dropped connection: too large when the body was large, transient otherwise.
    private static func resetKind(_ message: String, sentBodyBytes: Int, threshold: Int) -> KuzzleError {
        if sentBodyBytes >= threshold {
            return KuzzleError(
                kind: .tooLarge,
                status: nil,
                id: nil,
                message: "connection dropped while sending \(sentBodyBytes) bytes (\(message))"
            )
        }
        return KuzzleError(kind: .transient, status: nil, id: nil, message: "connection dropped (\(message))")
    }
}
