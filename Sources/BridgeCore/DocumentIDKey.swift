/// A document id as Kuzzle and Elasticsearch compare it: by its UTF-8 bytes.
///
/// Swift's `String ==` and hashing follow Unicode canonical equivalence, so "é" (NFC) and "e\u{301}" (NFD) would be
/// one key; for Elasticsearch they are two documents. Every id map and id comparison of the bridge goes through this
/// key. It holds the `String` itself (no byte copy): equality compares the UTF-8 views, hashing feeds the contiguous
/// UTF-8 bytes to the hasher.
public struct DocumentIDKey: Hashable, Sendable, CustomStringConvertible {
    /// The id.
    public let id: String

    /// Wraps an id.
    public init(_ id: String) {
        self.id = id
    }

    /// Whether the two ids have the same UTF-8 bytes.
    public static func == (lhs: DocumentIDKey, rhs: DocumentIDKey) -> Bool {
        let left = lhs.id.utf8
        let right = rhs.id.utf8
        guard left.count == right.count else { return false }
        let fast = left.withContiguousStorageIfAvailable { leftBytes in
            right.withContiguousStorageIfAvailable { rightBytes in leftBytes.elementsEqual(rightBytes) }
        }
        if let fast, let result = fast { return result }
        return left.elementsEqual(right)
    }

    /// Hashes the UTF-8 bytes (and nothing else, so equal bytes always hash alike).
    public func hash(into hasher: inout Hasher) {
        let utf8 = id.utf8
        let hashed: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if hashed == nil {
            Array(utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// The id.
    public var description: String { id }
}
