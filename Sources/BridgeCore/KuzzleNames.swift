/// Kuzzle's rules for index and collection names (kuzzle-api.md §2 and §5), non-ASCII letters included.
public enum KuzzleNames {
    /// First path segments of Kuzzle HTTP routes: an index with one of these names breaks most routes.
    public static let routeLiterals: Set<String> = [
        "users", "profiles", "roles", "credentials", "validations", "strategies", "admin", "debug", "ms",
        "cluster", "api-keys", "_me", "_login", "_logout", "_checkToken", "_refreshToken", "_now",
        "_serverInfo", "_healthCheck", "_healthcheck", "_ready", "_query", "_list", "_publicApi", "_openapi",
    ]

    /// A bit per length (in bytes, 63 and more share the last bit) that some ``routeLiterals`` entry has.
    private static let routeLiteralLengths: UInt64 = routeLiterals.reduce(0) { $0 | 1 << min($1.utf8.count, 63) }
    /// A bit per first byte (all ASCII below 0x80) that some ``routeLiterals`` entry starts with.
    private static let routeLiteralFirstBytes: (low: UInt64, high: UInt64) = {
        var masks: (low: UInt64, high: UInt64) = (0, 0)
        for byte in routeLiterals.compactMap(\.utf8.first) {
            if byte < 64 { masks.low |= 1 << byte } else { masks.high |= 1 << (byte & 63) }
        }
        return masks
    }()

    /// Whether `name` is one of ``routeLiterals``. Names are checked for every event: most are ruled out by their
    /// length and first byte, without hashing.
    static func isRouteLiteral(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, first < 0x80,
            routeLiteralLengths & (1 << min(bytes.count, 63)) != 0,
            (first < 64 ? routeLiteralFirstBytes.low : routeLiteralFirstBytes.high) & (1 << (first & 63)) != 0
        else { return false }
        return routeLiterals.contains(name)
    }

    /// Whether Kuzzle forbids `byte` in index and collection names: `\ / * ? " < > | , + # : . & %`, space, tab,
    /// line feed and carriage return. A switch, not a `Set`: names are checked for every event.
    static func isForbidden(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "\""),
            UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: ","), UInt8(ascii: "+"),
            UInt8(ascii: "#"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "&"), UInt8(ascii: "%"),
            UInt8(ascii: " "), 0x09, 0x0A, 0x0D:
            true
        default:
            false
        }
    }

    /// Why `name` cannot be a Kuzzle index name, or `nil` when it can.
    public static func problemWithIndexName(_ name: String) -> String? {
        if let problem = problemWithStorageName(name) { return problem }
        if isRouteLiteral(name) { return "collides with the Kuzzle route \"/\(name)\"" }
        return nil
    }

    /// Why `name` cannot be a Kuzzle collection name, or `nil` when it can.
    public static func problemWithCollectionName(_ name: String) -> String? {
        if let problem = problemWithStorageName(name) { return problem }
        if name == "_kuzzle_keep" { return "is reserved by Kuzzle" }
        return nil
    }

    private static func problemWithStorageName(_ name: String) -> String? {
        let bytes = name.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > 126 { return "is longer than 126 bytes" }
        if name == "_all" { return "is reserved by Elasticsearch" }
        var isASCII = true
        for byte in bytes {
            if byte >= 0x41 && byte <= 0x5A { return "has an uppercase letter" }
            if isForbidden(byte) { return "contains the forbidden character \(quoted(byte))" }
            if byte >= 0x80 { isASCII = false }
        }
        if !isASCII && !isLowercase(name) { return "has an uppercase letter" }
        return nil
    }

    /// Whether lowercasing leaves `name` unchanged, byte for byte: Elasticsearch refuses a name unless
    /// `name.toLowerCase(Locale.ROOT).equals(name)` (Java), Kuzzle unless `name.toLowerCase() === name` (JavaScript);
    /// both apply Unicode's full lowercase mapping, as Swift's `lowercased()` does. Only names with non-ASCII bytes get
    /// here (ASCII ones are checked byte by byte), so the common case allocates nothing. Compared as UTF-8 bytes, not
    /// with `String ==`, which would take canonically equivalent strings for equal.
    static func isLowercase(_ name: String) -> Bool {
        name.lowercased().utf8.elementsEqual(name.utf8)
    }

    private static func quoted(_ byte: UInt8) -> String {
        switch byte {
        case 0x09: return "tab"
        case 0x0A: return "line feed"
        case 0x0D: return "carriage return"
        case 0x20: return "space"
        default: return "\"\(Character(Unicode.Scalar(byte)))\""
        }
    }
}
