import BridgeCore
import Foundation
import Kuzzle
import Logging
import Testing

@testable import KuzzleBridge

/// `writer.notify`, `writer.route: document`, `writer.documents_write_count` and Kuzzle's announced limits (issue 17).
@Suite struct RealtimeConfigurationTests {
    @Test func notifyIsOffByDefaultAndBatchesMixActions() throws {
        let configuration = try loadConfiguration(minimalYAML())
        #expect(configuration.writer.notify == false)
        #expect(configuration.writer.documentsWriteCount == nil)
        #expect(configuration.pipelineParameters(hasDeadLetterTopic: false).batching.separatesWrites == false)
    }

    @Test func notifyUnderAutoSeparatesWrites() throws {
        let configuration = try loadConfiguration(minimalYAML("writer:\n  route: auto\n  notify: true\n"))
        #expect(configuration.writer.notify)
        #expect(configuration.pipelineParameters(hasDeadLetterTopic: false).batching.separatesWrites)
        #expect(configuration.summaryMetadata["writer.notify"] == "true")
        let mWrite = try loadConfiguration(minimalYAML("writer:\n  route: mWrite\n  notify: true\n"))
        #expect(mWrite.writer.notify)
        #expect(mWrite.pipelineParameters(hasDeadLetterTopic: false).batching.separatesWrites == false)
    }

    @Test func theDocumentRouteTakesACountLimit() throws {
        let configuration = try loadConfiguration(
            minimalYAML("writer:\n  route: document\n  documents_write_count: 50\n")
        )
        #expect(configuration.writer.route == .document)
        #expect(configuration.writer.documentsWriteCount == 50)
        #expect(configuration.routing(forTopic: "orders").mWriteAvailable, "writes never need bulk:import")
    }

    @Test(arguments: [
        ("writer:\n  route: import\n  notify: true\n", "writer.notify", "true"),
        ("writer:\n  route: document\n  notify: true\n", "writer.notify", "true"),
        ("writer:\n  fence: offset\n  notify: true\n", "writer.notify", "true"),
        ("writer:\n  notify: sometimes\n", "writer.notify", "sometimes"),
        ("writer:\n  route: document\n  fence: offset\n", "writer.route", "document"),
        ("writer:\n  route: auto\n  documents_write_count: 50\n", "writer.documents_write_count", "50"),
        ("writer:\n  route: document\n  documents_write_count: 0\n", "writer.documents_write_count", "0"),
    ])
    func invalidRealtimeSettingsNameTheirKey(yaml: String, key: String, value: String) throws {
        let error = try #require(configurationError(minimalYAML(yaml)))
        #expect(error.key == key, "\(error)")
        #expect(error.description.contains("\"\(value)\""), "\(error)")
    }

    @Test func kuzzleLimitsLowerTheConfigurationAndTheConfigurationLowersThem() throws {
        var configuration = try loadConfiguration(minimalYAML("writer:\n  route: document\n  concurrency: 16\n"))
        let announced = KuzzleCapabilities(documentsWriteCount: 100, maxRequestSize: 512 * 1024, concurrentRequests: 10)
        let effective = BridgeService.applying(announced, to: configuration)
        #expect(effective.documentsWriteCount == 100)
        #expect(effective.configuration.kuzzle.maximumRequestSize == 512 * 1024)
        #expect(effective.configuration.batching.maximumBytes <= 512 * 1024 * 9 / 10)
        #expect(effective.configuration.writer.concurrency == .fixed(10))
        #expect(effective.configuration.writer.maximumConcurrency <= 10)

        configuration.writer.documentsWriteCount = 50
        #expect(BridgeService.applying(announced, to: configuration).documentsWriteCount == 50)
        let generous = KuzzleCapabilities(documentsWriteCount: 1000, maxRequestSize: 1 << 30, concurrentRequests: 500)
        let kept = BridgeService.applying(generous, to: configuration)
        #expect(kept.documentsWriteCount == 50)
        #expect(kept.configuration.kuzzle.maximumRequestSize == configuration.kuzzle.maximumRequestSize)
        #expect(kept.configuration.batching.maximumBytes == configuration.batching.maximumBytes)
        #expect(kept.configuration.writer.concurrency == .fixed(16))
    }
}
