import TestSupport
import Testing

@testable import JSONScan

/// One kind of byte sequence to place inside a string around the scanner's eight-byte boundaries.
struct StringPiece: Sendable, CustomTestStringConvertible {
    /// What the piece is, for test names.
    var name: String
    /// Its bytes.
    var bytes: [UInt8]

    /// The name shown by the test runner.
    var testDescription: String { name }
}

/// The validating scanner's strings, word-at-a-time fast path included: same tokens, same errors at the same
/// positions as the byte loop (``ReferenceStringScanner``), whatever the alignment of the bytes that stop it.
@Suite struct ValidatingStringScanTests {
    /// Escapes, control characters, valid and invalid UTF-8, and the closing quote.
    static let pieces: [StringPiece] = [
        StringPiece(name: "closing quote", bytes: [0x22]),
        StringPiece(name: #"escaped quote"#, bytes: Array(#"\""#.utf8)),
        StringPiece(name: #"escaped backslash"#, bytes: Array(#"\\"#.utf8)),
        StringPiece(name: #"\n"#, bytes: Array(#"\n"#.utf8)),
        StringPiece(name: #"\u00e9"#, bytes: Array(#"\u00e9"#.utf8)),
        StringPiece(name: #"invalid escape \x"#, bytes: Array(#"\x"#.utf8)),
        StringPiece(name: #"invalid \u12G4"#, bytes: Array(#"\u12G4"#.utf8)),
        StringPiece(name: "lone backslash", bytes: [0x5C]),
        StringPiece(name: "NUL", bytes: [0x00]),
        StringPiece(name: "tab", bytes: [0x09]),
        StringPiece(name: "0x1F", bytes: [0x1F]),
        StringPiece(name: "space", bytes: [0x20]),
        StringPiece(name: "DEL", bytes: [0x7F]),
        StringPiece(name: "é", bytes: [0xC3, 0xA9]),
        StringPiece(name: "€", bytes: [0xE2, 0x82, 0xAC]),
        StringPiece(name: "🐙", bytes: [0xF0, 0x9F, 0x90, 0x99]),
        StringPiece(name: "U+10FFFF", bytes: [0xF4, 0x8F, 0xBF, 0xBF]),
        StringPiece(name: "lone continuation byte", bytes: [0x80]),
        StringPiece(name: "0xFF", bytes: [0xFF]),
        StringPiece(name: "overlong /", bytes: [0xC0, 0xAF]),
        StringPiece(name: "encoded surrogate", bytes: [0xED, 0xA0, 0x80]),
        StringPiece(name: "above U+10FFFF", bytes: [0xF4, 0x90, 0x80, 0x80]),
        StringPiece(name: "bad third byte", bytes: [0xE2, 0x82, 0x41]),
        StringPiece(name: "truncated sequence", bytes: [0xE2, 0x82]),
    ]

    /// Scans the string whose opening quote is at `quote` with the scanner under test.
    static func scan(_ bytes: [UInt8], at quote: Int) -> StringScanOutcome {
        bytes.withUnsafeBytes { buffer in
            var scanner = JSONScanner(buffer, mode: .validating(maximumDepth: 4))
            scanner.position = quote
            do throws(JSONScanError) {
                let token = try scanner.readStringToken()
                return .token(content: token.content, hasEscapes: token.hasEscapes, end: scanner.position)
            } catch {
                return .failure(reason: error.reason, position: error.position)
            }
        }
    }

    /// `count` plain ASCII bytes, cycling through the alphabet.
    static func plain(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(ascii: "a") + UInt8($0 % 26) }
    }

    @Test("a piece at every position 0..<17 and every alignment gives what the byte loop gives", arguments: pieces)
    func pieceAtEveryPosition(_ piece: StringPiece) {
        for alignment in 0..<8 {
            for position in 0..<17 {
                let head = Array(repeating: UInt8(ascii: " "), count: alignment) + [0x22] + Self.plain(position)
                let tails: [[UInt8]] = [[], Self.plain(3)] + [0, 1, 7, 8, 9, 23].map { Self.plain($0) + [0x22] }
                for tail in tails {
                    let bytes = head + piece.bytes + tail
                    #expect(
                        Self.scan(bytes, at: alignment) == ReferenceStringScanner.scan(bytes, at: alignment),
                        "alignment \(alignment), position \(position), tail \(tail.count)"
                    )
                }
            }
        }
    }

    @Test("plain strings of every length up to 40 are read whole, and refused at the end when unterminated")
    func plainStringsAroundMultiplesOfEight() {
        for length in 0...40 {
            let open = [0x22] + Self.plain(length)
            #expect(
                Self.scan(open + [0x22], at: 0) == .token(content: 1..<(length + 1), hasEscapes: false, end: length + 2)
            )
            #expect(
                Self.scan(open, at: 0)
                    == .failure(reason: "unexpected end of input, unterminated string", position: length + 1)
            )
        }
    }

    @Test("errors after a long ASCII run are at the byte the byte loop stops at")
    func errorsAfterALongRun() {
        let run = [0x22] + Self.plain(400)
        let cases: [([UInt8], StringScanOutcome)] = [
            ([0x01, 0x22], .failure(reason: "control character in a string", position: 401)),
            ([0x1F], .failure(reason: "control character in a string", position: 401)),
            ([0xFF, 0x22], .failure(reason: "invalid UTF-8", position: 401)),
            ([0xC3, 0x28, 0x22], .failure(reason: "invalid UTF-8", position: 401)),
            ([0xE2, 0x82, 0x41, 0x22], .failure(reason: "invalid UTF-8", position: 403)),
            ([0xE2, 0x82], .failure(reason: "truncated UTF-8 sequence", position: 401)),
            (Array(#"\q""#.utf8), .failure(reason: "invalid escape", position: 402)),
            ([0x5C], .failure(reason: "unexpected end of input, unterminated escape", position: 402)),
            (Array(#"\u00"#.utf8), .failure(reason: "unexpected end of input, invalid \\u escape", position: 405)),
        ]
        for (tail, expected) in cases {
            #expect(Self.scan(run + tail, at: 0) == expected, "tail \(tail)")
            #expect(ReferenceStringScanner.scan(run + tail, at: 0) == expected, "tail \(tail)")
        }
    }

    @Test("escapes and multi-byte characters between long runs are read, and the string ends at its quote")
    func escapesAfterLongRuns() {
        let bytes =
            [0x22] + Self.plain(37) + Array(#"\n"#.utf8) + Self.plain(50) + [0xE2, 0x82, 0xAC]
            + Array(#"\u00e9\"\\"#.utf8) + Self.plain(64) + [0x22] + Self.plain(20)
        let contentEnd = 1 + 37 + 2 + 50 + 3 + 10 + 64
        #expect(Self.scan(bytes, at: 0) == .token(content: 1..<contentEnd, hasEscapes: true, end: contentEnd + 1))
        let unescaped = [0x22] + Self.plain(100) + [0xF0, 0x9F, 0x90, 0x99] + Self.plain(9) + [0x22]
        #expect(Self.scan(unescaped, at: 0) == .token(content: 1..<114, hasEscapes: false, end: 115))
    }

    @Test("random strings read like the byte loop reads them", arguments: [1, 2, 3, 42, 0xC0FFEE] as [UInt64])
    func differentialAgainstTheByteLoop(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<4000 {
            let alignment = Int.random(in: 0..<8, using: &random)
            var bytes = Array(repeating: UInt8(ascii: " "), count: alignment) + [0x22]
            for _ in 0..<Int.random(in: 0..<6, using: &random) {
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<5:
                    let plainBytes = (0x20...0x7F as ClosedRange<UInt8>).filter { $0 != 0x22 && $0 != 0x5C }
                    for _ in 0..<Int.random(in: 0..<40, using: &random) {
                        bytes.append(plainBytes.randomElement(using: &random)!)
                    }
                case 5..<9: bytes += Self.pieces.randomElement(using: &random)!.bytes
                default: bytes.append(UInt8.random(in: 0...255, using: &random))
                }
            }
            if Int.random(in: 0..<4, using: &random) != 0 { bytes.append(0x22) }
            #expect(Self.scan(bytes, at: alignment) == ReferenceStringScanner.scan(bytes, at: alignment), "\(bytes)")
        }
    }
}
