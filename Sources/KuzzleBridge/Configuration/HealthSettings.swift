/// The optional HTTP health endpoint.
public struct HealthSettings: Sendable, Equatable {
    /// A `host:port` to listen on.
    public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
        /// The host or IP address (IPv6 without brackets).
        public var host: String
        /// The TCP port, 1–65535.
        public var port: Int

        /// Creates a listen address.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, with brackets around an IPv6 host.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

        /// Parses `host:port` or `[ipv6]:port`.
        ///
        /// - Returns: The address, or `nil` when the text is not one.
        public static func parse(_ text: String) -> ListenAddress? {
            let host: Substring
            let portText: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { return nil }
                host = text[text.index(after: text.startIndex)..<close]
                let rest = text[text.index(after: close)...]
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            } else {
                guard let colon = text.lastIndex(of: ":") else { return nil }
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
                if host.contains(":") { return nil }
            }
            guard !host.isEmpty, !host.contains(" "), let port = Int(portText), (1...65535).contains(port) else {
                return nil
            }
            return ListenAddress(host: String(host), port: port)
        }
    }

    /// Where the health endpoint listens (`health.listen`). Default: none (no endpoint).
    public var listen: ListenAddress?

    /// Creates health settings.
    public init(listen: ListenAddress? = nil) {
        self.listen = listen
    }
}
