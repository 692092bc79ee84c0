import AsyncHTTPClient
import NIOCore
import NIOSSL
import Testing

@testable import Kuzzle

#if canImport(Glibc)
import Glibc
#endif

@Suite struct KuzzleTransportErrorTests {
    static func kind(_ error: any Error, sent: Int) -> KuzzleError.Kind {
        KuzzleError.transport(error, sentBodyBytes: sent, largeBodyThreshold: 65_536).kind
    }

    @Test func aResetWhileSendingALargeBodyMeansTooLargeAndOnASmallOneTransient() {
        let reset = IOError(errnoCode: ECONNRESET, reason: "read")
        #expect(Self.kind(reset, sent: 900_000) == .tooLarge)
        #expect(Self.kind(reset, sent: 2_000) == .transient)
        #expect(Self.kind(IOError(errnoCode: EPIPE, reason: "write"), sent: 100_000) == .tooLarge)
        #expect(Self.kind(HTTPClientError.remoteConnectionClosed, sent: 100_000) == .tooLarge)
        #expect(Self.kind(HTTPClientError.remoteConnectionClosed, sent: 10) == .transient)
    }

    @Test func timeoutsRefusalsAndCancellationAreTransient() {
        #expect(Self.kind(HTTPClientError.deadlineExceeded, sent: 900_000) == .transient)
        #expect(Self.kind(HTTPClientError.connectTimeout, sent: 0) == .transient)
        #expect(Self.kind(IOError(errnoCode: ECONNREFUSED, reason: "connect"), sent: 0) == .transient)
        #expect(Self.kind(CancellationError(), sent: 0) == .transient)
    }

    @Test func tlsFailuresAndInvalidURLsAreFatal() {
        #expect(Self.kind(NIOSSLError.handshakeFailed(.sslError([])), sent: 0) == .fatal)
        #expect(Self.kind(NIOSSLError.failedToLoadCertificate, sent: 0) == .fatal)
        #expect(Self.kind(HTTPClientError.invalidURL, sent: 0) == .fatal)
        #expect(Self.kind(NIOSSLError.uncleanShutdown, sent: 10) == .transient)
    }

    @Test func anAlreadyClassifiedErrorPassesThrough() {
        let error = KuzzleError(kind: .missingTarget, status: 412, id: "services.storage.unknown_index", message: "x")
        #expect(KuzzleError.transport(error, sentBodyBytes: 0, largeBodyThreshold: 1) == error)
    }

    @Test func descriptionNamesKindStatusAndId() {
        let error = KuzzleError(kind: .transient, status: 503, id: "api.process.overloaded", message: "busy")
        #expect(error.description == "Kuzzle transient error (HTTP 503, api.process.overloaded): busy")
    }
}
