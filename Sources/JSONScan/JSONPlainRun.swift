/// Eight-bytes-at-a-time crossing of the inside of a JSON string, for ``JSONScanner/readStringToken()``.
///
/// Long runs of bytes the string loop would just step over are crossed one `UInt64` at a time with SWAR ("SIMD
/// within a register") tests; every other byte is left to the byte loop, which keeps sole charge of escapes, control
/// characters, UTF-8 validation and error positions. What the loop must see depends on the scanner's mode:
/// - validating (``endOfPlain(in:from:)``): a byte is *plain* when it is printable ASCII other than `"` and `\`
///   (0x20...0x7F minus 0x22 and 0x5C);
/// - skipping (``endOfUnquoted(in:from:)``): only `"` (the end) and `\` (which hides the next byte) stop it; control
///   and non-ASCII bytes are stepped over.
@usableFromInline
enum JSONPlainRun {
    /// 0x01 in every byte of a word.
    @usableFromInline
    static let ones: UInt64 = 0x0101_0101_0101_0101
    /// 0x80 (the high bit) in every byte of a word.
    @usableFromInline
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The position of the first byte at or after `start` that is not plain, or, when none is found in the whole
    /// words, the position where fewer than eight bytes remain (the byte loop goes on from there in both cases).
    /// - Precondition: `start <= bytes.count`.
    @inline(__always)
    @usableFromInline
    static func endOfPlain(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        end(in: bytes, from: start, stops: plainStopBytes)
    }

    /// The position of the first `"` or `\` at or after `start`, or, when none is found in the whole words, the
    /// position where fewer than eight bytes remain.
    /// - Precondition: `start <= bytes.count`.
    @inline(__always)
    @usableFromInline
    static func endOfUnquoted(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        end(in: bytes, from: start, stops: quoteStopBytes)
    }

    @inline(__always)
    @usableFromInline
    static func end(in bytes: UnsafeRawBufferPointer, from start: Int, stops: (UInt64) -> UInt64) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var position = start
        while bytes.count - position >= 8 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let found = stops(word)
            if found != 0 { return position + found.trailingZeroBitCount / 8 }
            position += 8
        }
        return position
    }

    /// A mask with the high bit set in the lowest byte of `word` that is `"` or `\` and in no byte below it; zero
    /// exactly when there is neither.
    ///
    /// The word is read little-endian, so its lowest byte comes first in memory. Each test below is exact up to its
    /// first hit: a subtraction only borrows out of a byte that is a hit, so the bytes under the lowest hit never
    /// see a borrow. Bytes above it may be flagged wrongly, which is harmless: only the lowest flag is used.
    /// `(x - 0x01…) & ~x & 0x80…` flags a zero byte; `x` is first XORed with `"` or `\` repeated, so those bytes
    /// become the zeros.
    @inline(__always)
    @usableFromInline
    static func quoteStopBytes(in word: UInt64) -> UInt64 {
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        return ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highBits
    }

    /// A mask with the high bit set in the lowest byte of `word` that is not plain and in no byte below it; zero
    /// exactly when all eight bytes are plain: ``quoteStopBytes(in:)`` plus `((x - 0x20…) | x) & 0x80…`, which
    /// flags a byte below 0x20 (it borrows, setting the high bit) or one at 0x80 or above (its own high bit);
    /// 0x20...0x7F minus 0x20 stays in 0x00...0x5F.
    @inline(__always)
    @usableFromInline
    static func plainStopBytes(in word: UInt64) -> UInt64 {
        let controlOrNonASCII = ((word &- ones &* 0x20) | word) & highBits
        return quoteStopBytes(in: word) | controlOrNonASCII
    }
}
