import TestSupport
import Testing

@testable import JSONScan

/// The eight-byte tests behind the string fast paths of both modes.
@Suite struct JSONPlainRunTests {
    static func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// Checks `mask` flags exactly the bytes `stops` names, the first of them exactly, in every lane and at random.
    static func check(_ mask: (UInt64) -> UInt64, stops: (UInt8) -> Bool, interesting: [UInt8], anyByte: Bool) {
        for lane in 0..<8 {
            for byte in UInt8.min...UInt8.max {
                var bytes = Array(repeating: UInt8(ascii: "a"), count: 8)
                bytes[lane] = byte
                let found = mask(word(bytes))
                #expect((found != 0) == stops(byte), "byte \(byte) in lane \(lane)")
                if stops(byte) { #expect(found.trailingZeroBitCount / 8 == lane, "byte \(byte) in lane \(lane)") }
            }
        }
        var random = SeededGenerator(seed: 7)
        for _ in 0..<100_000 {
            let bytes = (0..<8).map { _ in
                Bool.random(using: &random)
                    ? interesting.randomElement(using: &random)!
                    : anyByte
                        ? UInt8.random(in: 0...255, using: &random) : UInt8.random(in: 0x20...0x7E, using: &random)
            }
            let found = mask(word(bytes))
            let first = bytes.firstIndex(where: stops)
            #expect((found == 0 ? nil : found.trailingZeroBitCount / 8) == first, "\(bytes)")
        }
    }

    @Test("validating: the word test flags exactly the bytes the byte loop must see, and the first of them is exact")
    func plainStopBytesMask() {
        Self.check(
            JSONPlainRun.plainStopBytes(in:),
            stops: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 || $0 >= 0x80 },
            interesting: [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xFF],
            anyByte: false
        )
    }

    @Test("skipping: the word test flags exactly the quotes and backslashes, and the first of them is exact")
    func quoteStopBytesMask() {
        Self.check(
            JSONPlainRun.quoteStopBytes(in:),
            stops: { $0 == 0x22 || $0 == 0x5C },
            interesting: [0x00, 0x01, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x80, 0xA2, 0xDC, 0xFF],
            anyByte: true
        )
    }
}
