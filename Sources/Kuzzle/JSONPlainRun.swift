/// Eight-bytes-at-a-time skipping inside a JSON string, for ``JSONScanner/readStringToken()``.
///
/// That reader does not validate: inside a string only `"` (the end) and `\` (which hides the next byte) matter, and
/// every other byte, control or non-ASCII included, is just stepped over. Runs of such bytes are crossed one `UInt64`
/// at a time with SWAR ("SIMD within a register") tests; the byte loop handles the rest.
enum JSONPlainRun {
    /// 0x01 in every byte of a word.
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    /// 0x80 (the high bit) in every byte of a word.
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The offset of the first `"` or `\` at or after `start`, or, when none is found in the whole words, the offset
    /// where fewer than eight bytes remain (the byte loop goes on from there in both cases).
    /// - Precondition: `start <= bytes.count`.
    @inline(__always)
    static func end(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var position = start
        while bytes.count - position >= 8 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let stops = stopBytes(in: word)
            if stops != 0 { return position + stops.trailingZeroBitCount / 8 }
            position += 8
        }
        return position
    }

    /// A mask with the high bit set in the lowest byte of `word` that is `"` or `\` and in no byte below it; zero
    /// exactly when there is neither.
    ///
    /// The word is read little-endian, so its lowest byte comes first in memory. XORing with `"` (or `\`) repeated
    /// turns those bytes into zeros, which `(x - 0x01…) & ~x & 0x80…` flags. The test is exact up to its first hit:
    /// the subtraction only borrows out of a zero byte, so the bytes under the lowest one never see a borrow. Bytes
    /// above it may be flagged wrongly, which is harmless: only the lowest flag is used.
    @inline(__always)
    static func stopBytes(in word: UInt64) -> UInt64 {
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        return ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highBits
    }
}
