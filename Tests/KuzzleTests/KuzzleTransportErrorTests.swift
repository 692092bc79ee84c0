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

    @Test func readWriteAndDeadlineTimeoutsAreTimeoutsAndOverloadSignals() {
        for timeout in [HTTPClientError.deadlineExceeded, .readTimeout, .writeTimeout] {
            let error = KuzzleError.transport(timeout, sentBodyBytes: 900_000, largeBodyThreshold: 65_536)
            #expect(error.kind == .transient)
            #expect(error.isTimeout)
            #expect(error.isOverload)
        }
        // Unreachable is not overloaded: fewer requests at once would not help.
        for unreachable: any Error in [HTTPClientError.connectTimeout, IOError(errnoCode: ECONNREFUSED, reason: "c")] {
            let error = KuzzleError.transport(unreachable, sentBodyBytes: 0, largeBodyThreshold: 65_536)
            #expect(!error.isTimeout)
            #expect(!error.isOverload)
        }
    }

    @Test(arguments: [(429, true), (503, true), (504, true), (500, false), (502, false), (400, false), (413, false)])
    func overloadStatusesAre429And503And504(status: Int, isOverload: Bool) {
        let error = KuzzleError(
            kind: KuzzleError.classify(status: status, id: nil),
            status: status,
            id: nil,
            message: ""
        )
        #expect(error.isOverload == isOverload)
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
