import Logging
import Testing

@testable import KuzzleBridge
@testable import RdKafka

/// What the daemon says when Kafka refuses it: the cause, one error line per 30 s, and systemd's status.
@Suite struct KafkaConnectionHealthTests {
    /// librdkafka 2.0.2's texts for each failure, as seen against scripts/brokers/securefront.py.
    static let samples: [(String, String, KafkaConnectionHealth.Cause)] = [
        (
            "_SSL",
            "ssl://127.0.0.1:1/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed",
            .tls
        ),
        (
            "_TRANSPORT",
            "ssl://127.0.0.1:1/bootstrap: Receive failed: error:0A00045C:SSL routines::tlsv13 alert certificate required: SSL alert number 116",
            .tls
        ),
        (
            "_AUTHENTICATION",
            "sasl_ssl://127.0.0.1:1/bootstrap: SASL authentication error: Authentication failed: Invalid username or password",
            .authentication
        ),
        (
            "_TRANSPORT",
            "127.0.0.1:1/bootstrap: Disconnected while requesting ApiVersion: might be caused by incorrect security.protocol configuration (connecting to a SSL listener?)",
            .protocolMismatch
        ),
        ("_TRANSPORT", "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused", .network),
        ("_ALL_BROKERS_DOWN", "1/1 brokers are down", .network),
    ]

    private func error(_ codeName: String, _ message: String) -> KafkaError {
        KafkaError(kind: .librdkafka, code: -1, codeName: codeName, message: message)
    }

    @Test func eachFailureIsClassified() {
        for (code, message, cause) in Self.samples {
            #expect(KafkaConnectionHealth.cause(of: error(code, message)) == cause, "\(message)")
        }
        #expect(KafkaConnectionHealth.cause(of: error("REBALANCE_IN_PROGRESS", "rebalance")) == nil)
    }

    @Test func aPermanentCauseLogsOneErrorPer30SecondsAndSetsTheStatus() throws {
        var health = KafkaConnectionHealth()
        let start = ContinuousClock.now
        let failure = error("_AUTHENTICATION", "SASL authentication error: Authentication failed")
        let firstReport = health.observe(failure, now: start)
        let first = try #require(firstReport)
        #expect(first.level == .error)
        #expect(first.systemdStatus?.contains("cannot connect to Kafka: authentication") == true)
        for second in 1..<30 {
            let report = health.observe(failure, now: start + .seconds(second))
            #expect(report == nil)
        }
        let down = health.observe(error("_ALL_BROKERS_DOWN", "1/1 brokers are down"), now: start + .seconds(29))
        #expect(down == nil)
        let againReport = health.observe(failure, now: start + .seconds(30))
        let again = try #require(againReport)
        #expect(again.metadata["suppressed"] == "29")
        let recoveredReport = health.observe(.partitionsAssigned([]), now: start + .seconds(31))
        let recovered = try #require(recoveredReport)
        #expect(recovered.systemdStatus == "running: Kafka connection restored")
        #expect(health.failingCause == nil)
    }

    @Test func aTransientFailureIsAWarningWithoutStatus() throws {
        var health = KafkaConnectionHealth()
        let observed = health.observe(error("_TRANSPORT", "Connection refused"), now: .now)
        let report = try #require(observed)
        #expect(report.level == .warning)
        #expect(report.systemdStatus == nil)
    }
}
