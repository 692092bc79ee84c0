import Foundation
import Logging
import RdKafka
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `kuzzle-bridge`: `$KB_BRIDGE_BINARY`, else `.build/debug/kuzzle-bridge`.
func bridgeBinaryPath() throws -> String {
    if let path = ProcessInfo.processInfo.environment["KB_BRIDGE_BINARY"], !path.isEmpty { return path }
    let fallback = repositoryRoot.appendingPathComponent(".build/debug/kuzzle-bridge").path
    try #require(FileManager.default.isExecutableFile(atPath: fallback), "set KB_BRIDGE_BINARY or build kuzzle-bridge")
    return fallback
}

/// The mock broker started by `scripts/brokers.sh start` (`$KB_MOCK_BOOTSTRAP`); a failure, never a skip, when absent.
func mockBootstrap() throws -> String {
    let value = ProcessInfo.processInfo.environment["KB_MOCK_BOOTSTRAP"] ?? ""
    try #require(
        !value.isEmpty,
        "KB_MOCK_BOOTSTRAP is not set: run `bash scripts/brokers.sh start; set -a; . .run/brokers.env; set +a`"
    )
    return value
}

/// A unique name for a test's topics and group.
func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

/// Writes a daemon configuration to a temporary file and returns its path.
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
    var text = """
        kafka:
          bootstrap_servers: \(bootstrap)
          group_id: \(group)
          topics: [\(topic)]
          session_timeout: 6s
        kuzzle:
          url: \(kuzzleURL)
          request_timeout: 5s
        retry:
          initial_backoff: 50ms
          max_backoff: 500ms
        batching:
          max_wait: 20ms
          max_documents: \(maxDocuments)
        logging:
          stats_interval: \(statsInterval)
        shutdown:
          drain_timeout: 5s

        """
    if let deadLetterTopic { text += "dead_letter:\n  topic: \(deadLetterTopic)\n" }
    text += extra
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kb-ops-\(UUID().uuidString).yaml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// Produces `values` (with `_id`s) to `topic` and waits for the broker's acknowledgements.
func produce(_ values: [String], to topic: String, bootstrap: String) async throws {
    let producer = try KafkaProducer(
        configuration: KafkaProducerConfiguration(bootstrapServers: bootstrap),
        logger: .init(label: "test")
    )
    for value in values {
        _ = try await producer.send(
            topic: topic,
            key: nil,
            value: Array(value.utf8),
            headers: [KafkaHeader(name: "origin", value: Array("test".utf8))]
        )
    }
    await producer.close()
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try condition()
}

/// A `kuzzle-bridge` child process whose standard output and error are collected.
final class DaemonProcess: Sendable {
    private let process: Process
    private let output = CollectedText()

    /// Starts `kuzzle-bridge arguments…` with `environment` on top of a minimal one.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try bridgeBinaryPath())
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        self.process = process
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
        try process.run()
    }

    /// Everything printed so far.
    var text: String { output.text.withLock { $0 } }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// Sends SIGTERM and waits up to `timeout` for the exit (then SIGKILL). Returns the exit status.
    @discardableResult
    func stop(timeout: Duration = .seconds(15)) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        _ = await eventually(timeout: timeout) { !process.isRunning }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            _ = await eventually(timeout: .seconds(5)) { !process.isRunning }
            return -9
        }
        return process.terminationStatus
    }

    /// Waits for the exit; returns the status.
    func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        _ = await eventually(timeout: timeout) { !process.isRunning }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// Text appended from a reading thread.
final class CollectedText: Sendable {
    /// The text so far.
    let text = Mutex("")
}

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
