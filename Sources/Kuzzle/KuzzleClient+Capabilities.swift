import JSONScan
import NIOCore
import NIOHTTP1

/// The limits Kuzzle announces through `GET /_capabilities` (server:capabilities, Kuzzle 2.17 and later), as far as
/// a writer needs them. A limit Kuzzle did not state is `nil`.
public struct KuzzleCapabilities: Sendable, Hashable, CustomStringConvertible {
    /// `limits.documentsWriteCount`: the most documents a document:m* request may write (not bulk:mWrite or import).
    public var documentsWriteCount: Int?
    /// `server.maxRequestSize` in bytes (Kuzzle states it as text such as `"1MB"`, in powers of 1024).
    public var maxRequestSize: Int?
    /// `limits.concurrentRequests`: requests Kuzzle executes at once (more are queued).
    public var concurrentRequests: Int?

    /// Creates capabilities.
    public init(documentsWriteCount: Int? = nil, maxRequestSize: Int? = nil, concurrentRequests: Int? = nil) {
        self.documentsWriteCount = documentsWriteCount
        self.maxRequestSize = maxRequestSize
        self.concurrentRequests = concurrentRequests
    }

    /// `documentsWriteCount=200 maxRequestSize=1048576 concurrentRequests=100` (`unknown` for a missing one).
    public var description: String {
        func text(_ value: Int?) -> String { value.map(String.init) ?? "unknown" }
        return "documentsWriteCount=\(text(documentsWriteCount)) maxRequestSize=\(text(maxRequestSize)) "
            + "concurrentRequests=\(text(concurrentRequests))"
    }

    /// A size as Kuzzle's configuration writes it (the `bytes` package): a number of bytes, or a number followed by
    /// `b`, `kb`, `mb`, `gb` or `tb` (any case, powers of 1024); `nil` when unreadable.
    public static func bytes(_ text: String) -> Int? {
        let trimmed = text.lowercased().filter { $0 != " " }
        let units: [(String, Double)] = [
            ("tb", 1_099_511_627_776), ("gb", 1_073_741_824), ("mb", 1_048_576), ("kb", 1024), ("b", 1),
        ]
        for (unit, factor) in units where trimmed.hasSuffix(unit) {
            guard let number = Double(trimmed.dropLast(unit.count)), number >= 0 else { return nil }
            return Int(number * factor)
        }
        guard let number = Double(trimmed), number >= 0 else { return nil }
        return Int(number)
    }
}

extension KuzzleClient {
    /// Kuzzle's announced limits: `GET /_capabilities`.
    ///
    /// - Returns: The limits, or `nil` when this Kuzzle has no such route (404: older than 2.17) or refuses it to the
    ///   bridge's user (403): the caller then keeps its configured limits.
    /// - Throws: ``KuzzleError`` for any other failure.
    public func capabilities() async throws(KuzzleError) -> KuzzleCapabilities? {
        let answer = try await perform(.GET, "/_capabilities")
        if answer.status == 404 || answer.status == 403 { return nil }
        guard answer.status == 200 else { throw error(from: answer) }
        let parsed = try parse(answer) { (scanner) throws(JSONScanError) in
            var capabilities = KuzzleCapabilities()
            guard scanner.peek() == UInt8(ascii: "{") else {
                try scanner.skipValue()
                return capabilities
            }
            try scanner.readObject { (scanner, key) throws(JSONScanError) in
                if key.is("limits"), scanner.peek() == UInt8(ascii: "{") {
                    try scanner.readObject { (scanner, key) throws(JSONScanError) in
                        if key.is("documentsWriteCount") {
                            capabilities.documentsWriteCount = try scanner.readInteger()
                        } else if key.is("concurrentRequests") {
                            capabilities.concurrentRequests = try scanner.readInteger()
                        } else {
                            try scanner.skipValue()
                        }
                    }
                } else if key.is("server"), scanner.peek() == UInt8(ascii: "{") {
                    try scanner.readObject { (scanner, key) throws(JSONScanError) in
                        if key.is("maxRequestSize") {
                            if scanner.peek() == UInt8(ascii: "\"") {
                                capabilities.maxRequestSize = try scanner.readOptionalString().flatMap(
                                    KuzzleCapabilities.bytes
                                )
                            } else {
                                capabilities.maxRequestSize = try scanner.readInteger()
                            }
                        } else {
                            try scanner.skipValue()
                        }
                    }
                } else {
                    try scanner.skipValue()
                }
            }
            return capabilities
        }
        return parsed.result ?? KuzzleCapabilities()
    }
}
