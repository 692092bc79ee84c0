import Testing

@testable import BridgeCore

@Suite struct KuzzleNamesTests {
    @Test(
        "every character Kuzzle forbids in index and collection names is refused and named",
        arguments: Array(#"\/*?"<>|,+#:.&% "#) + ["\t", "\n", "\r"]
    )
    func forbiddenCharacterIsRefused(character: Character) throws {
        let name = "shop\(character)orders"
        let indexProblem = try #require(KuzzleNames.problemWithIndexName(name))
        #expect(indexProblem.hasPrefix("contains the forbidden character"), "\(indexProblem)")
        #expect(KuzzleNames.problemWithCollectionName(name) == indexProblem)
    }

    @Test("names of lowercase letters, digits, - and _ (and non-ASCII letters) are accepted")
    func validNamesAreAccepted() {
        for name in ["shop", "orders-2024", "_private", "a", "café", String(repeating: "x", count: 126)] {
            #expect(KuzzleNames.problemWithIndexName(name) == nil, "\(name)")
            #expect(KuzzleNames.problemWithCollectionName(name) == nil, "\(name)")
        }
    }

    @Test("no other byte is forbidden: exactly the 19 listed")
    func forbiddenSetIsExact() {
        let forbidden = (0...255).map(UInt8.init).filter(KuzzleNames.isForbidden)
        #expect(forbidden.count == 19)
        #expect(Set(forbidden) == Set(Array(#"\/*?"<>|,+#:.&% "#.utf8) + [0x09, 0x0A, 0x0D]))
    }

    @Test("uppercase, empty, too long, _all, route literals and _kuzzle_keep are refused")
    func otherRulesHold() {
        #expect(KuzzleNames.problemWithIndexName("Shop") == "has an uppercase letter")
        #expect(KuzzleNames.problemWithIndexName("") == "is empty")
        #expect(KuzzleNames.problemWithIndexName(String(repeating: "x", count: 127)) == "is longer than 126 bytes")
        #expect(KuzzleNames.problemWithIndexName("_all") == "is reserved by Elasticsearch")
        #expect(KuzzleNames.problemWithIndexName("users") != nil)
        #expect(KuzzleNames.problemWithCollectionName("users") == nil)
        #expect(KuzzleNames.problemWithCollectionName("_kuzzle_keep") == "is reserved by Kuzzle")
    }

    @Test(
        "a non-ASCII uppercase letter is refused as Elasticsearch does (toLowerCase(Locale.ROOT) must not change it)",
        arguments: ["Événements", "événementsÀ", "straße-Ä", "ΣΤΟΙΧΕΙΑ", "київ-Є", "İstanbul", "ǅungla", "ａｂｃＤ"]
    )
    func nonASCIIUppercaseIsRefused(name: String) {
        #expect(KuzzleNames.problemWithIndexName(name) == "has an uppercase letter", "\(name)")
        #expect(KuzzleNames.problemWithCollectionName(name) == "has an uppercase letter", "\(name)")
    }

    @Test("non-ASCII names that lowercasing leaves unchanged are accepted, compared byte for byte")
    func nonASCIILowercaseIsAccepted() {
        // "ς" (final sigma) and "ß" are lowercase; "ª" and "ǆ" have no uppercase; CJK and emoji have no case;
        // the decomposed "e\u{301}" is as lowercase as the composed "é".
        for name in ["événements", "straße", "στοιχειας", "київ", "ªǆ", "注文", "🚀-orders", "e\u{301}v"] {
            #expect(KuzzleNames.problemWithIndexName(name) == nil, "\(name)")
            #expect(KuzzleNames.problemWithCollectionName(name) == nil, "\(name)")
        }
    }

    @Test("every route literal is found by the length and first-byte filter; near misses are not")
    func routeLiteralFilterIsExact() {
        for literal in KuzzleNames.routeLiterals {
            #expect(KuzzleNames.isRouteLiteral(literal), "\(literal)")
            #expect(KuzzleNames.problemWithIndexName(literal) != nil, "\(literal)")
            // Same length and first byte, one byte changed: not a literal.
            let nearMiss = String(literal.dropLast()) + (literal.last == "x" ? "y" : "x")
            #expect(!KuzzleNames.isRouteLiteral(nearMiss), "\(nearMiss)")
            #expect(!KuzzleNames.isRouteLiteral(literal + "x"), "\(literal)x")
        }
        for name in ["bench", "orders", "", "é", String(repeating: "u", count: 200)] {
            #expect(!KuzzleNames.isRouteLiteral(name), "\(name)")
        }
    }
}
