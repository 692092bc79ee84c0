/// How the bridge secures its Kafka connections (`kafka.security.*`, `kafka.tls.*`, `kafka.sasl.*`), mapped onto
/// librdkafka's property names by ``librdkafkaProperties``. The dead-letter producer inherits them unless
/// `dead_letter.properties` overrides a key.
public struct KafkaSecuritySettings: Sendable, Equatable {
    /// librdkafka's `security.protocol`.
    public enum SecurityProtocol: String, Sendable, Equatable, CaseIterable {
        /// No TLS, no SASL (librdkafka's default).
        case plaintext
        /// TLS, optionally with a client certificate (mutual TLS).
        case ssl
        /// SASL authentication over plaintext TCP: the password or SCRAM exchange is not encrypted.
        case saslPlaintext = "sasl_plaintext"
        /// SASL authentication over TLS: what managed Kafka services use.
        case saslSSL = "sasl_ssl"

        /// Whether the protocol uses TLS.
        public var usesTLS: Bool { self == .ssl || self == .saslSSL }
        /// Whether the protocol uses SASL.
        public var usesSASL: Bool { self == .saslPlaintext || self == .saslSSL }
    }

    /// librdkafka's `sasl.mechanisms` values the bridge knows.
    public enum SASLMechanism: String, Sendable, Equatable, CaseIterable {
        /// User name and password sent as they are (use TLS: `sasl_ssl`).
        case plain = "PLAIN"
        /// SCRAM with SHA-256 (RFC 5802/7677): the password never crosses the wire.
        case scramSHA256 = "SCRAM-SHA-256"
        /// SCRAM with SHA-512.
        case scramSHA512 = "SCRAM-SHA-512"
        /// Kerberos; its settings (`sasl.kerberos.*`) go in `kafka.properties`.
        case gssapi = "GSSAPI"
        /// OAuth bearer tokens; its settings (`sasl.oauthbearer.*`) go in `kafka.properties`.
        case oauthBearer = "OAUTHBEARER"

        /// Whether the mechanism authenticates with `kafka.sasl.username` and a password.
        public var usesPassword: Bool { self == .plain || self == .scramSHA256 || self == .scramSHA512 }
    }

    /// `kafka.security.protocol`. Default: none (librdkafka's `plaintext`, or `kafka.properties`' value).
    public var securityProtocol: SecurityProtocol?
    /// `kafka.tls.ca_file`: PEM CA certificates that sign the brokers' certificates (`ssl.ca.location`).
    /// Default: none (the system's trust store).
    public var caFile: String?
    /// `kafka.tls.certificate_file`: the client certificate for mutual TLS, PEM (`ssl.certificate.location`).
    public var certificateFile: String?
    /// `kafka.tls.key_file`: the client certificate's private key, PEM (`ssl.key.location`).
    public var keyFile: String?
    /// The key file's password (`kafka.tls.key_password`, `_file`, or `$KUZZLE_BRIDGE_KAFKA_TLS_KEY_PASSWORD`;
    /// librdkafka's `ssl.key.password`).
    public var keyPassword: String?
    /// `kafka.tls.verify_hostname`: whether the broker certificate must name the host connected to
    /// (`ssl.endpoint.identification.algorithm` `https`, or `none`). Default: none (librdkafka's default, `https`).
    /// `false` is unsafe: any certificate the CA signed is accepted for any broker.
    public var verifyHostname: Bool?
    /// `kafka.sasl.mechanism` (`sasl.mechanisms`).
    public var saslMechanism: SASLMechanism?
    /// `kafka.sasl.username` (`sasl.username`).
    public var saslUsername: String?
    /// The SASL password (`kafka.sasl.password`, `_file`, or `$KUZZLE_BRIDGE_KAFKA_SASL_PASSWORD`; `sasl.password`).
    public var saslPassword: String?

    /// Creates security settings; every field defaults to unset.
    public init(
        securityProtocol: SecurityProtocol? = nil,
        caFile: String? = nil,
        certificateFile: String? = nil,
        keyFile: String? = nil,
        keyPassword: String? = nil,
        verifyHostname: Bool? = nil,
        saslMechanism: SASLMechanism? = nil,
        saslUsername: String? = nil,
        saslPassword: String? = nil
    ) {
        self.securityProtocol = securityProtocol
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.keyPassword = keyPassword
        self.verifyHostname = verifyHostname
        self.saslMechanism = saslMechanism
        self.saslUsername = saslUsername
        self.saslPassword = saslPassword
    }

    /// Every typed configuration key, in the order of ``mappedProperties``.
    public static let keys = [
        "kafka.security.protocol", "kafka.tls.ca_file", "kafka.tls.certificate_file", "kafka.tls.key_file",
        "kafka.tls.key_password", "kafka.tls.verify_hostname", "kafka.sasl.mechanism", "kafka.sasl.username",
        "kafka.sasl.password",
    ]

    /// Each set field as (configuration key, librdkafka property, value, whether the value is secret).
    public var mappedProperties: [(key: String, property: String, value: String, isSecret: Bool)] {
        var mapped: [(key: String, property: String, value: String, isSecret: Bool)] = []
        func add(_ key: String, _ property: String, _ value: String?, secret: Bool = false) {
            if let value { mapped.append((key, property, value, secret)) }
        }
        add("kafka.security.protocol", "security.protocol", securityProtocol?.rawValue)
        add("kafka.tls.ca_file", "ssl.ca.location", caFile)
        add("kafka.tls.certificate_file", "ssl.certificate.location", certificateFile)
        add("kafka.tls.key_file", "ssl.key.location", keyFile)
        add("kafka.tls.key_password", "ssl.key.password", keyPassword, secret: true)
        add(
            "kafka.tls.verify_hostname",
            "ssl.endpoint.identification.algorithm",
            verifyHostname.map { $0 ? "https" : "none" }
        )
        add("kafka.sasl.mechanism", "sasl.mechanisms", saslMechanism?.rawValue)
        add("kafka.sasl.username", "sasl.username", saslUsername)
        add("kafka.sasl.password", "sasl.password", saslPassword, secret: true)
        return mapped
    }

    /// The librdkafka properties these settings stand for.
    public var librdkafkaProperties: [String: String] {
        Dictionary(mappedProperties.map { ($0.property, $0.value) }, uniquingKeysWith: { $1 })
    }
}
