import Foundation
import JSONScan
import TestSupport
import Testing

@Suite struct JSONStringLiteralTests {
    @Test func quotesBackslashesAndControlCharactersAreEscaped() {
        #expect(JSONStringLiteral.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONStringLiteral.quoted("l1\nl2\r\t") == #""l1\nl2\r\t""#)
        #expect(JSONStringLiteral.quoted("bell\u{07}del\u{7F}nul\u{00}") == #""bell\u0007del\u007fnul\u0000""#)
    }

    @Test func beyondASCIIStaysAsItIsUnlessASCIIOnlyIsAsked() {
        #expect(JSONStringLiteral.quoted("naïve 😀") == "\"naïve 😀\"")
        #expect(JSONStringLiteral.quoted("naïve 😀", asciiOnly: true) == #""na\u00efve \ud83d\ude00""#)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func whatItWritesIsJSONThatReadsBackTheSameText(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let alphabet: [Unicode.Scalar] = [
            "a", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "€", "😀",
        ]
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                text.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)])
            }
            for asciiOnly in [false, true] {
                let literal = JSONStringLiteral.quoted(text, asciiOnly: asciiOnly)
                if asciiOnly { #expect(literal.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }) }
                let decoded = try JSONDecoder().decode(String.self, from: Data(literal.utf8))
                #expect(decoded == text)
            }
        }
    }
}
