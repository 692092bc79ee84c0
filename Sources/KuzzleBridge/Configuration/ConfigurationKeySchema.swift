import Yams

/// The shape of the keys a configuration file may contain, used to reject unknown keys by their full path.
indirect enum ConfigurationKeySchema: Sendable {
    /// A value (scalar or list); its content is checked later by the typed validation.
    case leaf
    /// A mapping with exactly these keys (each optional).
    case section([String: ConfigurationKeySchema])
    /// A mapping with free-form keys (librdkafka properties, topic names) whose values follow the given schema.
    case anyKeys(ConfigurationKeySchema)

    /// Every known full key path (`kafka.group_id`, `routing.topics.<topic>.format`…), for suggestions.
    func knownPaths(prefix: String = "") -> [String] {
        switch self {
        case .leaf:
            return prefix.isEmpty ? [] : [prefix]
        case .section(let children):
            return children.sorted { $0.key < $1.key }.flatMap { key, child in
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                let below = child.knownPaths(prefix: path)
                return below.isEmpty ? [path] : below
            }
        case .anyKeys:
            return [prefix]
        }
    }

    /// Checks that `node` only uses keys this schema knows.
    ///
    /// - Throws: ``ConfigurationError/unknownKey(key:suggestion:)`` naming the first unknown key's full path, or
    ///   ``ConfigurationError/invalid(key:value:reason:)`` when a section is not a mapping.
    func check(_ node: Node, path: String = "", root: ConfigurationKeySchema? = nil) throws {
        let root = root ?? self
        switch self {
        case .leaf:
            return
        case .section(let children):
            guard let mapping = try Self.mapping(of: node, path: path) else { return }
            for (keyNode, valueNode) in mapping {
                let key = keyNode.string ?? "\(keyNode)"
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                guard let child = children[key] else {
                    throw ConfigurationError.unknownKey(
                        key: childPath,
                        suggestion: Self.suggestion(for: key, path: path, siblings: Array(children.keys), root: root)
                    )
                }
                try child.check(valueNode, path: childPath, root: root)
            }
        case .anyKeys(let valueSchema):
            guard let mapping = try Self.mapping(of: node, path: path) else { return }
            for (keyNode, valueNode) in mapping {
                let key = keyNode.string ?? "\(keyNode)"
                try valueSchema.check(valueNode, path: "\(path).\(key)", root: root)
            }
        }
    }

    /// The mapping in `node`, `nil` for an empty (null) value, or an error naming `path` for anything else.
    private static func mapping(of node: Node, path: String) throws -> Node.Mapping? {
        if let mapping = node.mapping { return mapping }
        if isNull(node) { return nil }
        throw ConfigurationError.invalid(
            key: path.isEmpty ? "config" : path,
            value: node.string ?? "a list",
            reason: "expected a mapping of keys"
        )
    }

    /// Whether `node` is YAML's null (an empty value, `~` or `null`).
    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A close known key: a sibling within a small edit distance, or one that abbreviates or extends the key
    /// (`max_docs` → `max_documents`), else the same key in another section.
    private static func suggestion(
        for key: String,
        path: String,
        siblings: [String],
        root: ConfigurationKeySchema
    ) -> String? {
        let prefix = path.isEmpty ? "" : "\(path)."
        let scored = siblings.map { (name: $0, distance: editDistance(key, $0)) }
        if let best = scored.min(by: { ($0.distance, $0.name) < ($1.distance, $1.name) }),
            best.distance <= min(3, max(1, key.count / 3))
        {
            return prefix + best.name
        }
        if let abbreviated = siblings.sorted().first(where: { isSubsequence(key, of: $0) || isSubsequence($0, of: key) }
        ) {
            return prefix + abbreviated
        }
        return root.knownPaths().first { $0.hasSuffix(".\(key)") }
    }

    /// Whether the characters of `short` appear in `long` in order (not necessarily adjacent).
    static func isSubsequence(_ short: String, of long: String) -> Bool {
        guard short.count >= 3 else { return false }
        var remaining = Substring(long)
        for character in short {
            guard let index = remaining.firstIndex(of: character) else { return false }
            remaining = remaining[remaining.index(after: index)...]
        }
        return true
    }

    /// The Levenshtein distance between two strings, by characters.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs)
        let right = Array(rhs)
        guard !left.isEmpty else { return right.count }
        guard !right.isEmpty else { return left.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
