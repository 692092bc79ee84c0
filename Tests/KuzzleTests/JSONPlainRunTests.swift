import TestSupport
import Testing

@testable import Kuzzle

/// The eight-byte test behind the string reader's fast path.
@Suite struct JSONPlainRunTests {
    @Test("the word test flags exactly the quotes and backslashes, and the first of them is exact")
    func stopBytesMask() {
        func stops(_ byte: UInt8) -> Bool { byte == 0x22 || byte == 0x5C }
        func word(_ bytes: [UInt8]) -> UInt64 {
            bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        for lane in 0..<8 {
            for byte in UInt8.min...UInt8.max {
                var bytes = Array(repeating: UInt8(ascii: "a"), count: 8)
                bytes[lane] = byte
                let mask = JSONPlainRun.stopBytes(in: word(bytes))
                #expect((mask != 0) == stops(byte), "byte \(byte) in lane \(lane)")
                if stops(byte) { #expect(mask.trailingZeroBitCount / 8 == lane, "byte \(byte) in lane \(lane)") }
            }
        }
        var random = SeededGenerator(seed: 7)
        let interesting: [UInt8] = [0x00, 0x01, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x80, 0xA2, 0xDC, 0xFF]
        for _ in 0..<100_000 {
            let bytes = (0..<8).map { _ in
                Bool.random(using: &random)
                    ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
            let mask = JSONPlainRun.stopBytes(in: word(bytes))
            let first = bytes.firstIndex(where: stops)
            #expect((mask == 0 ? nil : mask.trailingZeroBitCount / 8) == first, "\(bytes)")
        }
    }
}
