import Testing

@testable import KuzzleBridge

@Suite struct ConfigurationSecretsTests {
    @Test func theAPIKeyComesFromTheEnvironmentAndWinsOverTheFile() throws {
        let sources = ConfigurationSources.testing(environment: ["KUZZLE_BRIDGE_KUZZLE_API_KEY": "from-env"])
        let fromEnvOnly = try loadConfiguration(minimalYAML(), sources: sources)
        #expect(fromEnvOnly.kuzzle.credentials == .apiKey("from-env"))
        let overridden = try loadConfiguration(minimalYAML("kuzzle:\n  api_key: from-file\n"), sources: sources)
        #expect(overridden.kuzzle.credentials == .apiKey("from-env"))
    }

    @Test func anEmptyEnvironmentVariableIsIgnored() throws {
        let sources = ConfigurationSources.testing(environment: ["KUZZLE_BRIDGE_KUZZLE_API_KEY": ""])
        let configuration = try loadConfiguration(minimalYAML("kuzzle:\n  api_key: inline\n"), sources: sources)
        #expect(configuration.kuzzle.credentials == .apiKey("inline"))
    }

    @Test func theAPIKeyFileIsReadWithCredentialsDirectoryExpanded() throws {
        let sources = ConfigurationSources.testing(
            environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/kuzzle-bridge.service"],
            files: ["/run/credentials/kuzzle-bridge.service/kuzzle-api-key": "key-from-credential\n"]
        )
        for spelling in ["$CREDENTIALS_DIRECTORY", "${CREDENTIALS_DIRECTORY}"] {
            let yaml = minimalYAML("kuzzle:\n  api_key_file: \(spelling)/kuzzle-api-key\n")
            let configuration = try loadConfiguration(yaml, sources: sources)
            #expect(configuration.kuzzle.credentials == .apiKey("key-from-credential"))
        }
    }

    @Test func thePasswordComesFromItsFileOrItsEnvironmentVariable() throws {
        let yaml = minimalYAML("kuzzle:\n  username: bridge\n  password_file: /secrets/pw\n")
        let fromFile = try loadConfiguration(yaml, sources: .testing(files: ["/secrets/pw": "pw-file\n\n"]))
        #expect(fromFile.kuzzle.credentials == .login(username: "bridge", password: "pw-file"))
        let fromEnv = try loadConfiguration(
            minimalYAML("kuzzle:\n  username: bridge\n"),
            sources: .testing(environment: ["KUZZLE_BRIDGE_KUZZLE_PASSWORD": "pw-env"])
        )
        #expect(fromEnv.kuzzle.credentials == .login(username: "bridge", password: "pw-env"))
    }

    @Test func anUnreadableSecretFileNamesItsKeyAndPath() throws {
        let error = try #require(configurationError(minimalYAML("kuzzle:\n  api_key_file: /missing/key\n")))
        #expect(error == .unreadableFile(key: "kuzzle.api_key_file", path: "/missing/key", reason: "no such file"))
    }

    @Test func anEmptySecretFileIsRejected() throws {
        let error = try #require(
            configurationError(
                minimalYAML("kuzzle:\n  api_key_file: /k\n"),
                sources: .testing(files: ["/k": "\n"])
            )
        )
        #expect(error.key == "kuzzle.api_key_file")
    }

    @Test func anUnsetVariableInASecretPathIsRejected() throws {
        let error = try #require(
            configurationError(minimalYAML("kuzzle:\n  password_file: $CREDENTIALS_DIRECTORY/pw\n  username: u\n"))
        )
        #expect(error.key == "kuzzle.password_file")
        #expect(error.description.contains("CREDENTIALS_DIRECTORY"))
    }

    @Test func inlineAndFileSecretsTogetherAreRejected() throws {
        let error = try #require(configurationError(minimalYAML("kuzzle:\n  api_key: a\n  api_key_file: /k\n")))
        #expect(error.key == "kuzzle.api_key_file")
    }

    @Test func aUsernameWithoutPasswordIsRejected() throws {
        let error = try #require(configurationError(minimalYAML("kuzzle:\n  username: bridge\n")))
        #expect(error.key == "kuzzle.password")
    }

    @Test func aPasswordWithoutUsernameIsRejected() throws {
        let error = try #require(configurationError(minimalYAML("kuzzle:\n  password: pw\n")))
        #expect(error.key == "kuzzle.username")
    }

    @Test func anAPIKeyAndAUsernameTogetherAreRejected() throws {
        let error = try #require(
            configurationError(
                minimalYAML("kuzzle:\n  username: bridge\n  password: pw\n"),
                sources: .testing(environment: ["KUZZLE_BRIDGE_KUZZLE_API_KEY": "k"])
            )
        )
        #expect(error.key == "kuzzle.username")
    }

    @Test func theCAFileMustHoldACertificate() throws {
        let missing = try #require(configurationError(minimalYAML("kuzzle:\n  ca_file: /ca.pem\n")))
        #expect(missing.key == "kuzzle.ca_file")
        let notPEM = try #require(
            configurationError(
                minimalYAML("kuzzle:\n  ca_file: /ca.pem\n"),
                sources: .testing(files: ["/ca.pem": "hello"])
            )
        )
        #expect(
            notPEM == .invalid(key: "kuzzle.ca_file", value: "/ca.pem", reason: "the file holds no PEM certificate")
        )
    }
}
