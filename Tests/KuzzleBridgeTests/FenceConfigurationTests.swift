import BridgeCore
import Foundation
import Logging
import Testing

@testable import KuzzleBridge

/// `writer.fence` and `writer.fence_gc_deletes` (fence.md §2): parsing, defaults, the errors naming their key, and what
/// the fence does to every topic's routing.
@Suite struct FenceConfigurationTests {
    @Test func theFenceIsOffByDefault() throws {
        let configuration = try loadConfiguration(minimalYAML())
        #expect(configuration.writer.fence == .disabled)
        #expect(configuration.writer.fencedCollectionSettings == nil)
        #expect(configuration.routing(forTopic: "orders").fence == .disabled)
        #expect(configuration.routing(forTopic: "orders").mWriteAvailable)
    }

    @Test func anOffsetFenceRoutesEveryTopicThroughImportWithVersions() throws {
        let configuration = try loadConfiguration(minimalYAML("writer:\n  fence: offset\n  fence_gc_deletes: 2m\n"))
        #expect(configuration.writer.fence == .offset)
        #expect(configuration.writer.fencedCollectionSettings == #"{"index":{"gc_deletes":"120s"}}"#)
        let routing = configuration.routing(forTopic: "orders")
        #expect(routing.fence == .offset)
        #expect(!routing.mWriteAvailable, "a fence needs bulk:import")
        #expect(configuration.summaryMetadata["writer.fence"] == "offset")
    }

    @Test func aHeaderFenceKeepsTheHeaderName() throws {
        let configuration = try loadConfiguration(minimalYAML("writer:\n  fence: \"header:Doc-Version\"\n"))
        #expect(configuration.writer.fence == .header("Doc-Version"))
        #expect(configuration.writer.fencedCollectionSettings == #"{"index":{"gc_deletes":"60s"}}"#)
        let subSecond = try loadConfiguration(minimalYAML("writer:\n  fence: offset\n  fence_gc_deletes: 1500ms\n"))
        #expect(subSecond.writer.fencedCollectionSettings == #"{"index":{"gc_deletes":"1500ms"}}"#)
    }

    @Test(arguments: [
        ("writer:\n  fence: versions\n", "writer.fence", "versions"),
        ("writer:\n  fence: \"header:\"\n", "writer.fence", "header:"),
        ("writer:\n  fence: \"field:/version\"\n", "writer.fence", "field:/version"),
        ("writer:\n  fence: offset\n  fence_gc_deletes: soon\n", "writer.fence_gc_deletes", "soon"),
        ("writer:\n  fence: offset\n  route: mWrite\n", "writer.route", "mWrite"),
        ("writer:\n  fence: \"header:v\"\n  route: mWrite\n", "writer.route", "mWrite"),
    ])
    func invalidFenceSettingsNameTheirKey(yaml: String, key: String, value: String) throws {
        let error = try #require(configurationError(minimalYAML(yaml)))
        #expect(error.key == key, "\(error)")
        #expect(error.description.contains("\"\(value)\""), "\(error)")
    }

    @Test func anOffsetFenceRefusesTwoTopicsWritingOneCollection() throws {
        let yaml = """
            kafka:
              topics: [a, b]
            writer:
              fence: offset
            routing:
              topics:
                a: {index: shop, collection: orders}
                b: {index: shop, collection: orders}

            """
        let error = try #require(configurationError(yaml))
        #expect(error.key == "writer.fence", "\(error)")
        #expect(error.description.contains("offsets of two topics are unrelated"), "\(error)")
        #expect(configurationError(yaml.replacingOccurrences(of: "fence: offset", with: "fence: \"header:v\"")) == nil)
    }

    @Test func importAndAutoRoutesAcceptAFence() throws {
        for route in ["import", "auto"] {
            #expect(configurationError(minimalYAML("writer:\n  fence: offset\n  route: \(route)\n")) == nil)
        }
    }
}
