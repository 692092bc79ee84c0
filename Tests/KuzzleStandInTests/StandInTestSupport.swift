import AsyncHTTPClient
import Foundation
import KuzzleStandIn
import NIOCore
import NIOHTTP1

/// An HTTP answer read fully, with its JSON body decoded.
struct TestResponse {
    var status: Int
    var headers: [(String, String)]
    var bytes: [UInt8]

    var text: String { String(decoding: bytes, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:] }
    var result: [String: Any] { json["result"] as? [String: Any] ?? [:] }
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
    var errorID: String? { error["id"] as? String }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Starts a stand-in for one test and always shuts it down.
func withStandIn<T>(
    _ configuration: StandInConfiguration = StandInConfiguration(
        collections: [.init(index: "shop", collection: "orders")]
    ),
    _ body: (StandInServer) async throws -> T
) async throws -> T {
    let server = try await StandInServer.start(configuration)
    do {
        let value = try await body(server)
        try await server.shutdown()
        return value
    } catch {
        try? await server.shutdown()
        throw error
    }
}

extension StandInServer {
    /// Sends one request with the shared client and reads the whole answer.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        json: String? = nil,
        body: [UInt8]? = nil,
        headers: [(String, String)] = [],
        client: HTTPClient = .shared
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if json != nil { request.headers.add(name: "Content-Type", value: "application/json") }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let payload = body ?? json.map({ Array($0.utf8) }) {
            request.body = .bytes(ByteBuffer(bytes: payload))
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let collected = try await response.body.collect(upTo: 64 * 1_048_576)
        return TestResponse(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            bytes: Array(collected.readableBytesView)
        )
    }

    /// The stored body of one document, decoded.
    func storedBody(_ index: String, _ collection: String, _ id: String) -> [String: Any]? {
        guard let document = documents(index: index, collection: collection)[id] else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(document.body))) as? [String: Any]
    }
}

/// Runs a command line tool and returns its standard output.
func runTool(_ path: String, _ arguments: [String], input: [UInt8]? = nil) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    let inputPipe = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(Data(input)) }
    try inputPipe.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(data)
}

/// gzip-compresses bytes with the system's gzip.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    try runTool("/bin/gzip", ["-c", "-n"], input: bytes)
}

/// A JSON mWrite body of `count` documents whose bodies are about `size` bytes.
func mWriteBody(count: Int, size: Int = 100, prefix: String = "d") -> String {
    let filler = String(repeating: "y", count: max(0, size - 30))
    let documents = (0..<count).map { "{\"_id\":\"\(prefix)\($0)\",\"body\":{\"n\":\($0),\"pad\":\"\(filler)\"}}" }
    return "{\"documents\":[" + documents.joined(separator: ",") + "]}"
}
