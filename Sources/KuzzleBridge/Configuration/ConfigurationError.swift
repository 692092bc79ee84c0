import JSONScan

/// Why a configuration could not be loaded: every case names the key path it concerns (e.g. `batching.max_wait`),
/// so one line on stderr tells the operator what to fix.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The value at `key` was understood syntactically but is not acceptable.
    case invalid(key: String, value: String, reason: String)
    /// A required key is absent (or empty).
    case missing(key: String, reason: String)
    /// A key that the bridge does not know; `suggestion` is the full path of a close known key, if any.
    case unknownKey(key: String, suggestion: String?)
    /// A file (the configuration itself, a secret file, a CA file) could not be read; `key` names the setting that
    /// points at it, or `config` for the configuration file itself.
    case unreadableFile(key: String, path: String, reason: String)
    /// The text is not well-formed YAML (or its top level is not a mapping).
    case malformedYAML(reason: String)

    /// The dotted key path this error concerns (`config` for whole-file problems).
    public var key: String {
        switch self {
        case .invalid(let key, _, _), .missing(let key, _), .unknownKey(let key, _),
            .unreadableFile(let key, _, _):
            return key
        case .malformedYAML:
            return "config"
        }
    }

    /// One line naming the key, the offending value and what is expected.
    public var description: String {
        switch self {
        case .invalid(let key, let value, let reason):
            guard !Self.holdsSecret(key) else { return "\(key): invalid value (not shown): \(reason)" }
            return "\(key): invalid value \(Self.quoted(value)): \(reason)"
        case .missing(let key, let reason):
            return "\(key): missing: \(reason)"
        case .unknownKey(let key, let suggestion):
            guard let suggestion else { return "\(key): unknown key" }
            return "\(key): unknown key (did you mean \(suggestion)?)"
        case .unreadableFile(let key, let path, let reason):
            return "\(key): cannot read \(Self.quoted(path)): \(reason)"
        case .malformedYAML(let reason):
            return "config: not valid YAML: \(reason)"
        }
    }

    /// Whether the value at `key` is a secret that an error must not quote (`kuzzle.password`,
    /// `kafka.properties.sasl.password`…); `*_file` keys hold paths, which are shown.
    static func holdsSecret(_ key: String) -> Bool {
        !key.hasSuffix("_file") && BridgeConfiguration.isSecretProperty(key)
    }

    /// Quotes a value for an error message, escaping quotes and control characters and shortening long values.
    static func quoted(_ value: String) -> String {
        JSONStringLiteral.quoted(value.count > 200 ? String(value.prefix(200)) + "…" : value)
    }
}
