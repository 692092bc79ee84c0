#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Speaks systemd's `sd_notify` protocol over the `$NOTIFY_SOCKET` datagram socket, without libsystemd.
///
/// A unit with `Type=notify` waits for `READY=1`; `WATCHDOG=1` resets `WatchdogSec=`; `STATUS=` is shown by
/// `systemctl status`; `STOPPING=1` announces the shutdown. Without `$NOTIFY_SOCKET` every call is a no-op, so the
/// daemon behaves the same under a terminal, in tests and under systemd.
public struct SystemdNotifier: Sendable {
    /// The socket path from `$NOTIFY_SOCKET` (`@` prefix = Linux abstract namespace), or `nil` when not under systemd.
    public let socketPath: String?

    /// Creates a notifier for `socketPath`, by default read from `$NOTIFY_SOCKET`.
    public init(socketPath: String? = SystemdNotifier.environmentSocketPath()) {
        self.socketPath = socketPath.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the daemon runs under a service manager that listens.
    public var isEnabled: Bool { socketPath != nil }

    /// The watchdog interval systemd asked for (`$WATCHDOG_USEC`), when it is meant for this process.
    public static func watchdogInterval() -> Duration? {
        guard let raw = getenv("WATCHDOG_USEC"), let micros = Int64(String(cString: raw)), micros > 0 else {
            return nil
        }
        if let pidText = getenv("WATCHDOG_PID"), let pid = Int32(String(cString: pidText)), pid != getpid() {
            return nil
        }
        return .microseconds(micros)
    }

    /// `$NOTIFY_SOCKET`, or `nil`.
    public static func environmentSocketPath() -> String? {
        guard let raw = getenv("NOTIFY_SOCKET") else { return nil }
        return String(cString: raw)
    }

    /// Tells systemd that start-up is finished.
    @discardableResult
    public func ready(status: String? = nil) -> Bool {
        send(["READY=1", status.map { "STATUS=\(oneLine($0))" }].compactMap { $0 })
    }

    /// Resets systemd's watchdog timer.
    @discardableResult
    public func watchdog() -> Bool { send(["WATCHDOG=1"]) }

    /// Updates the one-line status shown by `systemctl status`.
    @discardableResult
    public func status(_ text: String) -> Bool { send(["STATUS=\(oneLine(text))"]) }

    /// Tells systemd that the daemon is shutting down.
    @discardableResult
    public func stopping(status: String? = nil) -> Bool {
        send(["STOPPING=1", status.map { "STATUS=\(oneLine($0))" }].compactMap { $0 })
    }

    /// Sends one datagram of newline-separated `KEY=value` assignments. Returns whether it was delivered.
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard let socketPath, !assignments.isEmpty else { return false }
        let message = assignments.joined(separator: "\n")
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let addressLength = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let sent = message.utf8CString.withUnsafeBufferPointer { text in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(fd, text.baseAddress, text.count - 1, Int32(MSG_NOSIGNAL), socketAddress, addressLength)
                }
            }
        }
        return sent == message.utf8.count
    }

    private func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
