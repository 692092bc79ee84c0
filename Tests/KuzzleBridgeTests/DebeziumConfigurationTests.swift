import BridgeCore
import Testing

@testable import KuzzleBridge

@Suite struct DebeziumConfigurationTests {
    static func topic(_ lines: String) -> String {
        minimalYAML("routing:\n  topics:\n    orders:\n" + lines)
    }

    @Test func debeziumTopicLoadsWithItsSettings() throws {
        let configuration = try loadConfiguration(
            Self.topic(
                """
                      format: debezium
                      index: shop
                      collection: orders
                      value_framing: confluent
                      key_framing: confluent
                      debezium:
                        id_fields: [tenant, order]
                        id_separator: "::"
                        truncate: dead_letter

                """
            )
        )
        let routing = configuration.routing(forTopic: "orders")
        #expect(routing.format == .debezium)
        #expect(routing.valueFraming == .confluent)
        #expect(routing.keyFraming == .confluent)
        #expect(
            routing.debezium
                == DebeziumRouting(idFields: ["tenant", "order"], idSeparator: "::", truncate: .deadLetter)
        )
    }

    @Test func defaultsAreTheDocumentedOnes() throws {
        let configuration = try loadConfiguration(
            Self.topic("      format: debezium-unwrapped\n      index: shop\n      collection: orders\n")
        )
        let routing = configuration.routing(forTopic: "orders")
        #expect(routing.format == .debeziumUnwrapped)
        #expect(routing.debezium == DebeziumRouting(idFields: [], idSeparator: "|", truncate: .skip))
        #expect(routing.valueFraming == PayloadFraming.none)
        #expect(routing.keyFraming == PayloadFraming.none)
    }

    static let invalid: [InvalidCase] = [
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      format: debezium\n      index: shop\n      collection: orders\n      debezium:\n        truncate: ignore\n",
            key: "routing.topics.orders.debezium.truncate",
            value: "ignore"
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      format: debezium\n      index: shop\n      collection: orders\n      debezium:\n        id_separator: \"%\"\n",
            key: "routing.topics.orders.debezium.id_separator",
            value: "%"
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      format: debezium\n      index: shop\n      collection: orders\n      debezium:\n        id_separator: \"\"\n",
            key: "routing.topics.orders.debezium.id_separator",
            value: ""
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      format: debezium\n      index: shop\n      collection: orders\n      debezium:\n        id_fields: [a, a]\n",
            key: "routing.topics.orders.debezium.id_fields",
            value: "a"
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      value_framing: avro\n",
            key: "routing.topics.orders.value_framing",
            value: "avro"
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      key_framing: protobuf\n",
            key: "routing.topics.orders.key_framing",
            value: "protobuf"
        ),
        InvalidCase(
            "routing:\n  topics:\n    orders:\n      debezium:\n        truncate: skip\n",
            key: "routing.topics.orders.debezium",
            value: "set"
        ),
    ]

    @Test(arguments: invalid)
    func invalidSettingsNameTheirKey(_ invalid: InvalidCase) throws {
        let error = try #require(configurationError(invalid.yaml))
        #expect(error.key == invalid.key, "\(error)")
        #expect(error.description.contains("\"\(invalid.value)\""), "\(error)")
    }

    @Test func debeziumFormatsNeedTheirTarget() throws {
        let noIndex = try #require(configurationError(Self.topic("      format: debezium\n")))
        #expect(noIndex.key == "routing.topics.orders.index")
        #expect(noIndex.description.contains("debezium"))
        let noCollection = try #require(
            configurationError(Self.topic("      format: debezium-unwrapped\n      index: shop\n"))
        )
        #expect(noCollection.key == "routing.topics.orders.collection")
    }

    @Test func unknownDebeziumKeyIsNamed() throws {
        let error = try #require(
            configurationError(
                Self.topic(
                    "      format: debezium\n      index: shop\n      collection: orders\n      debezium:\n        id_field: [a]\n"
                )
            )
        )
        #expect(error.key == "routing.topics.orders.debezium.id_field")
    }
}
