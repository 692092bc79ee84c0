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
        KuzzleError.transport(error, sentBodyBytes: sent).kind
    }

    /// Issue 14 item 8: a reset proves nothing about the body's size (a restarting Kuzzle drops connections too): it is
    /// transient whatever the size, and carries the size for the writer's policy (which splits only on repeats).
    @Test func aResetIsTransientWhateverTheBodySizeAndCarriesTheSize() {
        let reset = IOError(errnoCode: ECONNRESET, reason: "read")
        for (error, sent) in [
            (reset as any Error, 900_000), (reset, 2_000), (IOError(errnoCode: EPIPE, reason: "write"), 100_000),
            (HTTPClientError.remoteConnectionClosed, 100_000), (HTTPClientError.remoteConnectionClosed, 10),
            (ChannelError.eof, 70_000),
        ] {
            let classified = KuzzleError.transport(error, sentBodyBytes: sent)
            #expect(classified.kind == .transient)
            #expect(classified.droppedWhileSendingBytes == sent)
            #expect(!classified.isTimeout)
        }
        #expect(KuzzleError.transport(HTTPClientError.connectTimeout, sentBodyBytes: 9).droppedWhileSendingBytes == nil)
    }

    @Test func timeoutsRefusalsAndCancellationAreTransient() {
        #expect(Self.kind(HTTPClientError.deadlineExceeded, sent: 900_000) == .transient)
        #expect(Self.kind(HTTPClientError.connectTimeout, sent: 0) == .transient)
        #expect(Self.kind(IOError(errnoCode: ECONNREFUSED, reason: "connect"), sent: 0) == .transient)
        #expect(Self.kind(CancellationError(), sent: 0) == .transient)
    }

    @Test func readWriteAndDeadlineTimeoutsAreTimeoutsAndOverloadSignals() {
        for timeout in [HTTPClientError.deadlineExceeded, .readTimeout, .writeTimeout] {
            let error = KuzzleError.transport(timeout, sentBodyBytes: 900_000)
            #expect(error.kind == .transient)
            #expect(error.isTimeout)
            #expect(error.isOverload)
        }
        // Unreachable is not overloaded: fewer requests at once would not help.
        for unreachable: any Error in [HTTPClientError.connectTimeout, IOError(errnoCode: ECONNREFUSED, reason: "c")] {
            let error = KuzzleError.transport(unreachable, sentBodyBytes: 0)
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
        #expect(KuzzleError.transport(error, sentBodyBytes: 0) == error)
    }

    @Test func descriptionNamesKindStatusAndId() {
        let error = KuzzleError(kind: .transient, status: 503, id: "api.process.overloaded", message: "busy")
        #expect(error.description == "Kuzzle transient error (HTTP 503, api.process.overloaded): busy")
    }
}
