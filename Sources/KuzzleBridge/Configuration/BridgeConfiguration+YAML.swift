import Yams

extension BridgeConfiguration {
    /// Loads and validates the YAML configuration file at `path`.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - sources: Environment and file access for secrets; defaults to the running process's.
    /// - Throws: A ``ConfigurationError`` naming the key path (or `config` when the file itself is unreadable).
    public static func load(path: String, sources: ConfigurationSources = .process) throws -> BridgeConfiguration {
        let text: String
        do {
            text = try sources.readFile(path)
        } catch {
            throw ConfigurationError.unreadableFile(key: "config", path: path, reason: "\(error)")
        }
        return try load(yaml: text, sources: sources)
    }

    /// Validates a YAML configuration held in memory (an embedded default, a test's text).
    ///
    /// Unknown keys are rejected by full path; missing keys take their documented defaults.
    ///
    /// - Throws: A ``ConfigurationError`` naming the key path and the offending value.
    public static func load(yaml: String, sources: ConfigurationSources = .process) throws -> BridgeConfiguration {
        var root: Node
        do {
            root = try Yams.compose(yaml: yaml) ?? Node.mapping([:])
        } catch {
            throw ConfigurationError.malformedYAML(reason: syntaxProblem(error, yaml: yaml))
        }
        if ConfigurationKeySchema.isNull(root) { root = Node.mapping([:]) }
        guard root.mapping != nil else {
            throw ConfigurationError.malformedYAML(reason: "the top level must be a mapping of sections (kafka:, …)")
        }
        try ConfigurationFile.schema.check(root)
        let file: ConfigurationFile
        do {
            file = try YAMLDecoder().decode(ConfigurationFile.self, from: root)
        } catch let error as DecodingError {
            throw configurationError(from: error, root: root)
        }
        return try BridgeConfiguration(file: file, sources: sources)
    }

    // MARK: - Syntax errors

    /// Where and why the YAML text is malformed, e.g. `line 4, column 27: mapping values are not allowed in this
    /// context`. Never the offending line's text: it may hold a secret (Yams' own description quotes it).
    static func syntaxProblem(_ error: any Error, yaml: String) -> String {
        guard let error = error as? YamlError else { return "the text cannot be parsed" }
        func place(_ mark: Mark) -> String { "line \(mark.line), column \(mark.column)" }
        func during(_ context: YamlError.Context?) -> String {
            guard let context else { return "" }
            return " (\(context.text) at \(place(context.mark)))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return "\(place(mark)): \(problem)\(during(context))"
        case .reader(let problem, let offset, _, let text):
            guard let offset else { return problem }
            let before = text.utf8.prefix(offset)
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            return "line \(line): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "\(place(context.mark)): duplicated key(s) \(duplicates.sorted().joined(separator: ", "))"
        case .dataCouldNotBeDecoded:
            return "the file is not valid UTF-8"
        default:
            return "the text cannot be parsed"
        }
    }

    // MARK: - Decoding errors

    /// Turns a decoding failure into an error naming the key path and quoting the value found there.
    private static func configurationError(from error: DecodingError, root: Node) -> ConfigurationError {
        switch error {
        case .typeMismatch(let type, let context):
            let key = keyPath(context.codingPath)
            let found = describe(node(at: context.codingPath, in: root))
            let expected = type == String.self ? "a single value, not a list or mapping" : "\(type)"
            return .invalid(key: key, value: found, reason: "expected \(expected)")
        case .valueNotFound(_, let context):
            return .missing(key: keyPath(context.codingPath), reason: "a value is required")
        case .keyNotFound(let codingKey, let context):
            return .missing(key: keyPath(context.codingPath + [codingKey]), reason: "a value is required")
        case .dataCorrupted(let context):
            let found = describe(node(at: context.codingPath, in: root))
            return .invalid(key: keyPath(context.codingPath), value: found, reason: context.debugDescription)
        @unknown default:
            return .malformedYAML(reason: "\(error)")
        }
    }

    /// `kafka.topics[2]` style path of a coding path.
    private static func keyPath(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path.isEmpty ? "config" : path
    }

    /// The node at `codingPath`, if it exists.
    private static func node(at codingPath: [any CodingKey], in root: Node) -> Node? {
        var current: Node? = root
        for key in codingPath {
            if let index = key.intValue, let sequence = current?.sequence {
                current = index < sequence.count ? sequence[index] : nil
            } else {
                current = current?.mapping?[key.stringValue]
            }
        }
        return current
    }

    /// A short rendering of a node for an error message.
    private static func describe(_ node: Node?) -> String {
        guard let node else { return "" }
        if let scalar = node.scalar { return scalar.string }
        if let sequence = node.sequence { return "a list of \(sequence.count) items" }
        return "a mapping"
    }
}
