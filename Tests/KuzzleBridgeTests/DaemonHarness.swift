import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `kuzzle-bridge` child processes of this suite collect their output in memory.
typealias DaemonProcess = CapturedDaemonProcess

/// The built `kuzzle-bridge` (see ``TestEnvironment/bridgeBinary()``).
func bridgeBinaryPath() throws -> String {
    try TestEnvironment.bridgeBinary().path
}

/// The mock broker started by `scripts/brokers.sh start` (`$KB_MOCK_BOOTSTRAP`); a failure, never a skip, when absent.
func mockBootstrap() throws -> String {
    try TestEnvironment.mockBootstrap()
}

// The helpers this target once defined itself, now in the shared TestSupport module, under their old names: a file of
// this target can use them without importing TestSupport.

/// A unique name (see ``TestSupport/uniqueName(_:)``).
func uniqueName(_ prefix: String) -> String { TestSupport.uniqueName(prefix) }

/// Polls `condition` every 50 ms until it holds or `timeout` passes (see ``TestSupport/eventually``).
func eventually(timeout: Duration, _ condition: () async throws -> Bool) async rethrows -> Bool {
    try await TestSupport.eventually(timeout: timeout, condition)
}

/// Produces `values` to `topic` (see ``TestSupport/produce(_:to:bootstrap:)``).
func produce(_ values: [String], to topic: String, bootstrap: String) async throws {
    try await TestSupport.produce(values, to: topic, bootstrap: bootstrap)
}

/// Writes a daemon configuration to a temporary file (see ``TestSupport/writeDaemonConfig``).
func writeDaemonConfig(
    bootstrap: String,
    kuzzleURL: String,
    topic: String,
    group: String,
    deadLetterTopic: String? = nil,
    statsInterval: String = "1s",
    maxDocuments: Int = 1000,
    extra: String = ""
) throws -> String {
    try TestSupport.writeDaemonConfig(
        bootstrap: bootstrap,
        kuzzleURL: kuzzleURL,
        topic: topic,
        group: group,
        deadLetterTopic: deadLetterTopic,
        statsInterval: statsInterval,
        maxDocuments: maxDocuments,
        extra: extra
    )
}

/// Text appended from a reading thread.
typealias CollectedText = TestSupport.CollectedText

/// A bound Unix datagram socket standing in for systemd's `$NOTIFY_SOCKET`, collecting every datagram with its time.
final class NotifySocketListener: Sendable {
    /// The socket's path, for `NOTIFY_SOCKET`.
    let path: String
    private let descriptor: Int32
    private let received = Mutex<[(at: ContinuousClock.Instant, text: String)]>([])
    private let closed = Atomic<Bool>(false)

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kb-notify-\(UUID().uuidString.prefix(8)).sock"
        ).path
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0, "socket() failed")
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0, "bind(\(path)) failed: errno \(errno)")
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        descriptor = fd
        let thread = Thread { [self] in receiveLoop() }
        thread.start()
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !closed.load(ordering: .relaxed) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                received.withLock { $0.append((ContinuousClock.now, text)) }
            }
        }
        Glibc.close(descriptor)
        unlink(path)
    }

    /// Every assignment line received (`READY=1`, `STATUS=…`), with the time its datagram arrived.
    var lines: [(at: ContinuousClock.Instant, line: String)] {
        received.withLock { datagrams in
            datagrams.flatMap { datagram in datagram.text.split(separator: "\n").map { (datagram.at, String($0)) } }
        }
    }

    /// How many received lines start with `prefix`.
    func count(_ prefix: String) -> Int { lines.filter { $0.line.hasPrefix(prefix) }.count }

    /// Stops listening and removes the socket.
    func close() { closed.store(true, ordering: .relaxed) }
}
