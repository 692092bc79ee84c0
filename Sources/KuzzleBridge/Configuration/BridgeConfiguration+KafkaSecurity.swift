extension ConfigurationEnvironment {
    /// The Kafka SASL password (instead of `kafka.sasl.password` / `kafka.sasl.password_file`).
    public static let kafkaSASLPassword = "KUZZLE_BRIDGE_KAFKA_SASL_PASSWORD"
    /// The password of the Kafka client key (instead of `kafka.tls.key_password` / `kafka.tls.key_password_file`).
    public static let kafkaTLSKeyPassword = "KUZZLE_BRIDGE_KAFKA_TLS_KEY_PASSWORD"
}

extension BridgeConfiguration {
    /// Reads and checks `kafka.security`, `kafka.tls` and `kafka.sasl`: values known, files present and PEM, secrets
    /// from their files or environment variables, and no librdkafka property also set in `kafka.properties`.
    ///
    /// - Parameter properties: `kafka.properties` as written.
    /// - Throws: ``ConfigurationError`` naming the key at fault (both keys for a property set twice).
    static func kafkaSecurity(
        _ section: ConfigurationFile.Kafka?,
        properties: [String: String],
        sources: ConfigurationSources
    ) throws -> KafkaSecuritySettings {
        var settings = KafkaSecuritySettings()
        if let text = section?.security?.protocol {
            settings.securityProtocol = try ConfigurationField.choice(
                text.lowercased(),
                key: "kafka.security.protocol",
                default: .plaintext
            )
        }
        let written = properties["security.protocol"].flatMap {
            KafkaSecuritySettings.SecurityProtocol(rawValue: $0.lowercased())
        }
        let effective = settings.securityProtocol ?? written ?? .plaintext
        try readTLS(section?.tls, protocol: effective, into: &settings, sources: sources)
        try readSASL(section?.sasl, protocol: effective, properties: properties, into: &settings, sources: sources)
        for mapped in settings.mappedProperties {
            guard let value = properties[mapped.property] else { continue }
            throw ConfigurationError.invalid(
                key: "kafka.properties.\(mapped.property)",
                value: mapped.isSecret ? redactedMark : value,
                reason: "also set by \(mapped.key): set it in one place only"
            )
        }
        return settings
    }

    private static func readTLS(
        _ tls: ConfigurationFile.Kafka.TLS?,
        protocol effective: KafkaSecuritySettings.SecurityProtocol,
        into settings: inout KafkaSecuritySettings,
        sources: ConfigurationSources
    ) throws {
        guard let tls else { return }
        let given: [(String, String?)] = [
            ("kafka.tls.ca_file", tls.caFile), ("kafka.tls.certificate_file", tls.certificateFile),
            ("kafka.tls.key_file", tls.keyFile), ("kafka.tls.key_password", tls.keyPassword),
            ("kafka.tls.key_password_file", tls.keyPasswordFile), ("kafka.tls.verify_hostname", tls.verifyHostname),
        ]
        if !effective.usesTLS, case let (key, value)? = given.first(where: { $0.1 != nil }).map({ ($0.0, $0.1 ?? "") })
        {
            throw ConfigurationError.invalid(
                key: key,
                value: value,
                reason: "kafka.security.protocol is \(effective.rawValue): TLS settings need ssl or sasl_ssl"
            )
        }
        settings.caFile = try pemFile(tls.caFile, key: "kafka.tls.ca_file", expecting: .certificate, sources: sources)
        settings.certificateFile = try pemFile(
            tls.certificateFile,
            key: "kafka.tls.certificate_file",
            expecting: .certificate,
            sources: sources
        )
        settings.keyFile = try pemFile(tls.keyFile, key: "kafka.tls.key_file", expecting: .privateKey, sources: sources)
        switch (settings.certificateFile, settings.keyFile) {
        case (_?, nil):
            throw ConfigurationError.missing(
                key: "kafka.tls.key_file",
                reason: "kafka.tls.certificate_file needs its key"
            )
        case (nil, _?):
            throw ConfigurationError.missing(key: "kafka.tls.certificate_file", reason: "kafka.tls.key_file is set")
        default:
            break
        }
        if settings.keyFile == nil {
            if let key = [
                ("kafka.tls.key_password", tls.keyPassword), ("kafka.tls.key_password_file", tls.keyPasswordFile),
            ]
            .first(where: { $0.1 != nil })?.0 {
                throw ConfigurationError.missing(key: "kafka.tls.key_file", reason: "\(key) is set without a key file")
            }
        } else {
            settings.keyPassword = try KuzzleCredentialsReader.secret(
                environmentVariable: ConfigurationEnvironment.kafkaTLSKeyPassword,
                inline: tls.keyPassword,
                inlineKey: "kafka.tls.key_password",
                file: tls.keyPasswordFile,
                fileKey: "kafka.tls.key_password_file",
                sources: sources
            )
        }
        if let keyFile = settings.keyFile, settings.keyPassword == nil,
            (try? sources.readFile(keyFile)).map(PEMFile.isEncryptedKey) == true
        {
            throw ConfigurationError.missing(
                key: "kafka.tls.key_password",
                reason: "kafka.tls.key_file is encrypted: give kafka.tls.key_password, kafka.tls.key_password_file or "
                    + "$\(ConfigurationEnvironment.kafkaTLSKeyPassword)"
            )
        }
        settings.verifyHostname = try tls.verifyHostname.map {
            try ConfigurationField.boolean($0, key: "kafka.tls.verify_hostname", default: true)
        }
    }

    private static func readSASL(
        _ sasl: ConfigurationFile.Kafka.SASL?,
        protocol effective: KafkaSecuritySettings.SecurityProtocol,
        properties: [String: String],
        into settings: inout KafkaSecuritySettings,
        sources: ConfigurationSources
    ) throws {
        let given: [(String, String?)] = [
            ("kafka.sasl.mechanism", sasl?.mechanism), ("kafka.sasl.username", sasl?.username),
            ("kafka.sasl.password", sasl?.password), ("kafka.sasl.password_file", sasl?.passwordFile),
        ]
        guard effective.usesSASL else {
            if case let (key, value)? = given.first(where: { $0.1 != nil }).map({ ($0.0, $0.1 ?? "") }) {
                throw ConfigurationError.invalid(
                    key: key,
                    value: value,
                    reason: "kafka.security.protocol is \(effective.rawValue): SASL needs sasl_plaintext or sasl_ssl"
                )
            }
            return
        }
        if let text = sasl?.mechanism {
            settings.saslMechanism = try ConfigurationField.choice(
                text.uppercased(),
                key: "kafka.sasl.mechanism",
                default: .plain
            )
        } else if properties["sasl.mechanisms"] == nil && properties["sasl.mechanism"] == nil {
            throw ConfigurationError.missing(
                key: "kafka.sasl.mechanism",
                reason: "kafka.security.protocol is \(effective.rawValue): choose PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"
            )
        }
        settings.saslUsername = try sasl?.username.map {
            try ConfigurationField.text($0, key: "kafka.sasl.username", default: "")
        }
        settings.saslPassword = try KuzzleCredentialsReader.secret(
            environmentVariable: ConfigurationEnvironment.kafkaSASLPassword,
            inline: sasl?.password,
            inlineKey: "kafka.sasl.password",
            file: sasl?.passwordFile,
            fileKey: "kafka.sasl.password_file",
            sources: sources
        )
        guard settings.saslMechanism?.usesPassword == true else { return }
        if settings.saslUsername == nil && properties["sasl.username"] == nil {
            throw ConfigurationError.missing(
                key: "kafka.sasl.username",
                reason: "kafka.sasl.mechanism \(settings.saslMechanism?.rawValue ?? "") needs a user name"
            )
        }
        if settings.saslPassword == nil && properties["sasl.password"] == nil {
            throw ConfigurationError.missing(
                key: "kafka.sasl.password",
                reason: "give kafka.sasl.password, kafka.sasl.password_file or "
                    + "$\(ConfigurationEnvironment.kafkaSASLPassword)"
            )
        }
    }

    /// The path at `key` (variables expanded) after checking that the file reads and holds the expected PEM blocks.
    private static func pemFile(
        _ text: String?,
        key: String,
        expecting expected: PEMFile.Content,
        sources: ConfigurationSources
    ) throws -> String? {
        guard let text else { return nil }
        let path = try sources.expandingVariables(in: text.trimmingWhitespace(), key: key)
        let content: String
        do {
            content = try sources.readFile(path)
        } catch {
            throw ConfigurationError.unreadableFile(key: key, path: path, reason: "\(error)")
        }
        if let problem = PEMFile.problem(in: content, expecting: expected) {
            throw ConfigurationError.invalid(key: key, value: path, reason: problem)
        }
        return path
    }
}
