import TestSupport
import Testing

@testable import JSONScan

/// The skipping scanner's strings (Kuzzle's answers), word-at-a-time fast path included: same token or same error at
/// the same offset as the plain byte loop, wherever the `"` or `\` that stops it falls.
@Suite struct SkippingStringScanTests {
    /// What reading one string token gave.
    enum Outcome: Equatable {
        /// The content range, whether it has escapes, and the offset after the closing quote.
        case token(Range<Int>, hasEscapes: Bool, end: Int)
        /// The error's reason and offset.
        case failure(String, offset: Int)
    }

    /// Reads the string token after `bytes`' leading whitespace with the scanner under test.
    static func read(_ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw)
            do throws(JSONScanError) {
                let token = try scanner.readStringToken()
                return .token(token.content, hasEscapes: token.hasEscapes, end: scanner.position)
            } catch {
                return .failure(error.reason, offset: error.position)
            }
        }
    }

    /// The byte loop the fast path must agree with: the string ends at the first `"` not hidden by a `\`, and a `\`
    /// hides the byte after it, whatever it is.
    static func reference(_ bytes: [UInt8], quote: Int) -> Outcome {
        var index = quote + 1
        var hasEscapes = false
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\"") {
                return .token((quote + 1)..<index, hasEscapes: hasEscapes, end: index + 1)
            }
            hasEscapes = hasEscapes || bytes[index] == UInt8(ascii: "\\")
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return .failure("unexpected end of input, unterminated string", offset: index)
    }

    /// `count` plain ASCII bytes, cycling through the alphabet.
    static func plain(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(ascii: "a") + UInt8($0 % 26) }
    }

    /// Sequences that stop the fast path, or that it steps over although the validating scanner would not.
    static let pieces: [[UInt8]] = [
        [0x22], Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\n"#.utf8), Array(#"\u00e9"#.utf8), [0x5C],
        [0x5C, 0xC3, 0xA9], [0x00], [0x1F], [0x7F], [0xC3, 0xA9], [0xF0, 0x9F, 0x90, 0x99], [0x80], [0xFF],
    ]

    @Test("a quote or backslash at every position 0..<17 and every alignment reads like the byte loop")
    func pieceAtEveryPosition() {
        for piece in Self.pieces {
            for alignment in 0..<8 {
                for position in 0..<17 {
                    let head = Array(repeating: UInt8(ascii: " "), count: alignment) + [0x22] + Self.plain(position)
                    let tails: [[UInt8]] = [[], Self.plain(3)] + [0, 1, 7, 8, 9, 23].map { Self.plain($0) + [0x22] }
                    for tail in tails {
                        let bytes = head + piece + tail
                        #expect(
                            Self.read(bytes) == Self.reference(bytes, quote: alignment),
                            "piece \(piece), alignment \(alignment), position \(position), tail \(tail.count)"
                        )
                    }
                }
            }
        }
    }

    @Test("strings of every length up to 40 are read whole, and refused at the end when unterminated")
    func lengthsAroundMultiplesOfEight() {
        for length in 0...40 {
            let open = [0x22] + Self.plain(length)
            #expect(Self.read(open + [0x22]) == .token(1..<(length + 1), hasEscapes: false, end: length + 2))
            #expect(Self.read(open) == .failure("unexpected end of input, unterminated string", offset: length + 1))
            // A backslash as the last byte hides a byte past the end.
            #expect(
                Self.read(open + [0x5C]) == .failure("unexpected end of input, unterminated string", offset: length + 3)
            )
        }
    }

    @Test("escapes and non-ASCII text between long runs are stepped over up to the closing quote")
    func escapesAfterLongRuns() {
        let bytes =
            [0x22] + Self.plain(37) + Array(#"\""#.utf8) + Self.plain(50) + [0xE2, 0x82, 0xAC, 0x01]
            + Array(#"\\"#.utf8) + Self.plain(64) + [0x22] + Self.plain(20)
        let contentEnd = 1 + 37 + 2 + 50 + 4 + 2 + 64
        #expect(Self.read(bytes) == .token(1..<contentEnd, hasEscapes: true, end: contentEnd + 1))
    }

    @Test("random strings read like the byte loop reads them", arguments: [1, 2, 3, 42, 0xC0FFEE] as [UInt64])
    func differentialAgainstTheByteLoop(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<4000 {
            let alignment = Int.random(in: 0..<8, using: &random)
            var bytes = Array(repeating: UInt8(ascii: " "), count: alignment) + [0x22]
            for _ in 0..<Int.random(in: 0..<6, using: &random) {
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<5: bytes += Self.plain(Int.random(in: 0..<40, using: &random))
                case 5..<9: bytes += Self.pieces.randomElement(using: &random)!
                default: bytes.append(UInt8.random(in: 0...255, using: &random))
                }
            }
            if Int.random(in: 0..<4, using: &random) != 0 { bytes.append(0x22) }
            #expect(Self.read(bytes) == Self.reference(bytes, quote: alignment), "\(bytes)")
        }
    }
}
