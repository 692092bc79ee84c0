import Foundation

/// Where the loader reads what is not in the YAML text: environment variables (secrets, `$CREDENTIALS_DIRECTORY`)
/// and files (secret files, the CA file). Tests inject both.
public struct ConfigurationSources: Sendable {
    /// The environment variables visible to the loader.
    public var environment: [String: String]
    /// Reads a whole text file.
    ///
    /// - Throws: Any error; its description becomes the reason of a
    ///   ``ConfigurationError/unreadableFile(key:path:reason:)``.
    public var readFile: @Sendable (String) throws -> String

    /// Creates sources from explicit values.
    public init(environment: [String: String] = [:], readFile: @escaping @Sendable (String) throws -> String) {
        self.environment = environment
        self.readFile = readFile
    }

    /// The running process's environment and file system.
    public static var process: ConfigurationSources {
        ConfigurationSources(environment: ProcessInfo.processInfo.environment, readFile: readTextFile)
    }

    /// Empty environment and real files: what the embedded default and tests of plain YAML use.
    public static var filesOnly: ConfigurationSources {
        ConfigurationSources(environment: [:], readFile: readTextFile)
    }

    /// Reads a UTF-8 file from disk.
    @Sendable
    static func readTextFile(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Replaces `$NAME` and `${NAME}` in a path with environment variables (e.g. `$CREDENTIALS_DIRECTORY/api-key`,
    /// set by systemd's `LoadCredential=`).
    ///
    /// - Throws: ``ConfigurationError/invalid(key:value:reason:)`` naming `key` when a variable is not set.
    func expandingVariables(in path: String, key: String) throws -> String {
        var result = ""
        var rest = Substring(path)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            let name: Substring
            if rest.hasPrefix("{") {
                guard let close = rest.firstIndex(of: "}") else {
                    throw ConfigurationError.invalid(key: key, value: path, reason: "unterminated ${…}")
                }
                name = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                rest = rest.dropFirst(name.count)
            }
            guard !name.isEmpty, let value = environment[String(name)] else {
                throw ConfigurationError.invalid(
                    key: key,
                    value: path,
                    reason: "environment variable $\(name) is not set"
                )
            }
            result += value
        }
        return result + rest
    }

    /// The content of the file at `path` (variables expanded), without trailing line breaks and spaces.
    ///
    /// - Throws: ``ConfigurationError`` naming `key` when the file cannot be read or is empty.
    func secret(fromFileAt path: String, key: String) throws -> String {
        let expanded = try expandingVariables(in: path, key: key)
        let content: String
        do {
            content = try readFile(expanded)
        } catch {
            throw ConfigurationError.unreadableFile(key: key, path: expanded, reason: "\(error)")
        }
        let secret = content.trimmingWhitespace()
        guard !secret.isEmpty else {
            throw ConfigurationError.invalid(key: key, value: expanded, reason: "the file is empty")
        }
        return secret
    }

    /// The value of an environment variable, or `nil` when it is unset or empty.
    func variable(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
