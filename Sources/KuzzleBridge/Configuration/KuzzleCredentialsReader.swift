/// Resolves the Kuzzle credentials from the file's keys, secret files and environment variables.
///
/// Precedence, for the API key and for the password alike: the environment variable
/// (``ConfigurationEnvironment/kuzzleAPIKey``, ``ConfigurationEnvironment/kuzzlePassword``) wins; otherwise the
/// inline key (`kuzzle.api_key`, `kuzzle.password`) or the file key (`kuzzle.api_key_file`, `kuzzle.password_file`),
/// which are mutually exclusive.
enum KuzzleCredentialsReader {
    /// The credentials described by `section` and `sources`.
    ///
    /// - Throws: ``ConfigurationError`` naming the conflicting or missing key.
    static func credentials(
        _ section: ConfigurationFile.Kuzzle?,
        sources: ConfigurationSources
    ) throws
        -> KuzzleSettings.Credentials
    {
        let apiKey = try secret(
            environmentVariable: ConfigurationEnvironment.kuzzleAPIKey,
            inline: section?.apiKey,
            inlineKey: "kuzzle.api_key",
            file: section?.apiKeyFile,
            fileKey: "kuzzle.api_key_file",
            sources: sources
        )
        let password = try secret(
            environmentVariable: ConfigurationEnvironment.kuzzlePassword,
            inline: section?.password,
            inlineKey: "kuzzle.password",
            file: section?.passwordFile,
            fileKey: "kuzzle.password_file",
            sources: sources
        )
        let username = section?.username.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }

        switch (apiKey, username, password) {
        case (nil, nil, nil):
            return .anonymous
        case (let apiKey?, nil, _):
            return .apiKey(apiKey)
        case (_?, let username?, _):
            throw ConfigurationError.invalid(
                key: "kuzzle.username",
                value: username,
                reason: "an API key is also configured: use either kuzzle.api_key or kuzzle.username/password"
            )
        case (nil, let username?, let password?):
            return .login(username: username, password: password)
        case (nil, _?, nil):
            throw ConfigurationError.missing(
                key: "kuzzle.password",
                reason: "kuzzle.username is set: give kuzzle.password, kuzzle.password_file or "
                    + "$\(ConfigurationEnvironment.kuzzlePassword)"
            )
        case (nil, nil, _?):
            throw ConfigurationError.missing(
                key: "kuzzle.username",
                reason: "a password is configured without a username"
            )
        }
    }

    /// One secret from its three possible sources, or `nil` when none is set (shared with the Kafka secrets).
    static func secret(
        environmentVariable: String,
        inline: String?,
        inlineKey: String,
        file: String?,
        fileKey: String,
        sources: ConfigurationSources
    ) throws -> String? {
        if inline != nil && file != nil {
            throw ConfigurationError.invalid(
                key: fileKey,
                value: file ?? "",
                reason: "\(inlineKey) is also set: use only one of them"
            )
        }
        if let value = sources.variable(environmentVariable) { return value }
        if let inline {
            guard !inline.isEmpty else { throw ConfigurationError.missing(key: inlineKey, reason: "must not be empty") }
            return inline
        }
        if let file {
            return try sources.secret(fromFileAt: file.trimmingWhitespace(), key: fileKey)
        }
        return nil
    }
}
