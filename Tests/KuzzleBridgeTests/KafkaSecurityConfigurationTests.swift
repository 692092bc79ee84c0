import Foundation
import Testing

@testable import KuzzleBridge
@testable import RdKafka

/// `kafka.security`, `kafka.tls`, `kafka.sasl`: mapped onto librdkafka's names, secrets from files and the
/// environment, files checked, conflicts with `kafka.properties` refused, and no secret in any message.
@Suite struct KafkaSecurityConfigurationTests {
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgZm9yIHRlc3RzMAoGCCqGSM49BAMC
        -----END CERTIFICATE-----

        """
    static let key =
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"
    static let encryptedKey =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END ENCRYPTED PRIVATE KEY-----\n"
    static let files = [
        "/etc/kb/ca.pem": certificate, "/etc/kb/client.pem": certificate, "/etc/kb/client.key": key,
        "/etc/kb/encrypted.key": encryptedKey, "/run/credentials/kb/kafka-password": "from-credential\n",
    ]

    @Test func aSASLSSLConfigurationMapsOntoLibrdkafkaNamesWithThePasswordFromACredential() throws {
        let yaml = minimalYAML().replacingKafka(
            """
              security:
                protocol: SASL_SSL
              tls:
                ca_file: /etc/kb/ca.pem
              sasl:
                mechanism: scram-sha-512
                username: bridge
                password_file: $CREDENTIALS_DIRECTORY/kafka-password

            """
        )
        let sources = ConfigurationSources.testing(
            environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/kb"],
            files: Self.files
        )
        let configuration = try loadConfiguration(yaml, sources: sources)
        #expect(
            configuration.kafka.properties == [
                "security.protocol": "sasl_ssl", "ssl.ca.location": "/etc/kb/ca.pem",
                "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": "bridge", "sasl.password": "from-credential",
            ]
        )
        let summary = configuration.redactedDescription
        #expect(!summary.contains("from-credential"), "\(summary)")
        #expect(summary.contains("kafka.security.protocol=sasl_ssl"), "\(summary)")
    }

    @Test func thePasswordComesFromTheEnvironmentFirst() throws {
        let yaml = minimalYAML().replacingKafka(
            "  security:\n    protocol: sasl_plaintext\n  sasl:\n    mechanism: PLAIN\n    username: u\n"
        )
        let configuration = try loadConfiguration(
            yaml,
            sources: .testing(environment: ["KUZZLE_BRIDGE_KAFKA_SASL_PASSWORD": "env-pw"])
        )
        #expect(configuration.kafka.security.saslPassword == "env-pw")
        let missing = try #require(configurationError(yaml))
        #expect(missing.key == "kafka.sasl.password")
    }

    @Test func mutualTLSNeedsTheKeyPasswordOfAnEncryptedKey() throws {
        let tls =
            "  security:\n    protocol: ssl\n  tls:\n    ca_file: /etc/kb/ca.pem\n"
            + "    certificate_file: /etc/kb/client.pem\n    key_file: /etc/kb/encrypted.key\n"
        let error = try #require(
            configurationError(minimalYAML().replacingKafka(tls), sources: .testing(files: Self.files))
        )
        #expect(error.key == "kafka.tls.key_password")
        let configuration = try loadConfiguration(
            minimalYAML().replacingKafka(tls),
            sources: .testing(environment: ["KUZZLE_BRIDGE_KAFKA_TLS_KEY_PASSWORD": "kp"], files: Self.files)
        )
        #expect(configuration.kafka.properties["ssl.key.password"] == "kp")
        #expect(configuration.kafka.properties["ssl.key.location"] == "/etc/kb/encrypted.key")
        #expect(!configuration.redactedDescription.contains("=kp"))
    }

    @Test func missingOrMalformedCertificateFilesNameTheirKey() throws {
        let sources = ConfigurationSources.testing(
            files: Self.files.merging([
                "/etc/kb/broken.pem": "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"
            ]) { $1 }
        )
        for (file, key) in [
            ("ca_file: /nowhere.pem", "kafka.tls.ca_file"), ("ca_file: /etc/kb/broken.pem", "kafka.tls.ca_file"),
            ("ca_file: /etc/kb/client.key", "kafka.tls.ca_file"),
        ] {
            let yaml = minimalYAML().replacingKafka("  security:\n    protocol: ssl\n  tls:\n    \(file)\n")
            let error = try #require(configurationError(yaml, sources: sources))
            #expect(error.key == key, "\(error)")
        }
        let noKey = minimalYAML().replacingKafka(
            "  security:\n    protocol: ssl\n  tls:\n    certificate_file: /etc/kb/client.pem\n    key_file: /etc/kb/ca.pem\n"
        )
        #expect(configurationError(noKey, sources: sources)?.key == "kafka.tls.key_file")
    }

    @Test func aPropertySetBothWaysIsRefusedNamingBothKeys() throws {
        let yaml = minimalYAML().replacingKafka(
            "  properties:\n    sasl.password: inline-secret\n  security:\n    protocol: sasl_ssl\n"
                + "  sasl:\n    mechanism: PLAIN\n    username: u\n    password: typed-secret\n"
        )
        let error = try #require(configurationError(yaml))
        #expect(error.key == "kafka.properties.sasl.password")
        #expect(error.description.contains("kafka.sasl.password"))
        #expect(!error.description.contains("secret"), "\(error)")
    }

    @Test func unknownMechanismsAndMisplacedSettingsNameTheKey() throws {
        let unknown = minimalYAML().replacingKafka(
            "  security:\n    protocol: sasl_ssl\n  sasl:\n    mechanism: SCRAM-MD5\n    username: u\n    password: p\n"
        )
        #expect(configurationError(unknown)?.key == "kafka.sasl.mechanism")
        let noMechanism = minimalYAML().replacingKafka("  security:\n    protocol: sasl_ssl\n")
        #expect(configurationError(noMechanism)?.key == "kafka.sasl.mechanism")
        let saslWithoutProtocol = minimalYAML().replacingKafka("  sasl:\n    mechanism: PLAIN\n")
        #expect(configurationError(saslWithoutProtocol)?.key == "kafka.sasl.mechanism")
        let badProtocol = minimalYAML().replacingKafka("  security:\n    protocol: tls\n")
        #expect(configurationError(badProtocol)?.key == "kafka.security.protocol")
    }

    @Test func secretPropertiesAreMaskedInTheSummaryAndInErrors() throws {
        for name in [
            "sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.key.pem", "ssl_key",
            "sasl.oauthbearer.client.secret", "sasl.jaas.config", "sasl.oauthbearer.config",
        ] {
            #expect(BridgeConfiguration.isSecretProperty(name), "\(name)")
        }
        let error = ConfigurationError.invalid(key: "kafka.properties.sasl.password", value: "s3cr3t", reason: "x")
        #expect(!error.description.contains("s3cr3t"))
    }

    @Test func aYAMLSyntaxErrorNamesLineAndColumnButNotTheText() throws {
        let error = try #require(
            configurationError("kafka:\n  topics: [t]\n  properties:\n    sasl.password: pw-1: x\n")
        )
        #expect(error.description.contains("line 4"), "\(error)")
        #expect(!error.description.contains("pw-1"), "\(error)")
    }

    @Test func librdkafkasRejectionIsRebuiltWithoutTheValue() {
        let error = KafkaError.configuration(
            key: "sasl.password",
            value: "s3cr3t",
            reason: "Invalid value \"s3cr3t\" for configuration property \"sasl.password\""
        )
        #expect(!error.description.contains("s3cr3t"), "\(error)")
        #expect(error.description.contains("sasl.password"))
        let range = KafkaError.configuration(
            key: "fetch.wait.max.ms",
            value: "999999999",
            reason: "Configuration property \"fetch.wait.max.ms\" value 999999999 is outside allowed range 0..300000"
        )
        #expect(range.description.contains("0..300000") && !range.description.contains("999999999"), "\(range)")
    }
}

extension String {
    /// The YAML with `lines` added at the top of the `kafka:` section.
    func replacingKafka(_ lines: String) -> String {
        replacingOccurrences(of: "kafka:\n", with: "kafka:\n" + lines)
    }
}
