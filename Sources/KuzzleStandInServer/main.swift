import ArgumentParser
import KuzzleStandIn

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `kuzzle-standin`: a Kuzzle 2 HTTP API stand-in for the demo and benchmarks (see kuzzle-api.md §11).
@main
struct StandInCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kuzzle-standin",
        abstract: "Serve a Kuzzle 2 HTTP API stand-in (in-memory, with a /_standin control surface)."
    )

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind (0 picks a free port).")
    var port = 7512

    @Option(name: .customLong("api-key"), help: "An API key token accepted as 'Bearer <token>' (repeatable).")
    var apiKeys: [String] = []

    @Option(name: .customLong("user"), help: "A local user as name:password (repeatable).")
    var users: [String] = []

    @Flag(help: "Refuse anonymous requests (Kuzzle after restrictDefaultRights).")
    var noAnonymous = false

    @Option(help: "Maximum request size in received (compressed) bytes.")
    var maxRequestSize = 1_048_576

    @Flag(help: "Keep HTTP connections alive (--connection-close, the default, answers like real Kuzzle).")
    var keepAlive = false

    @Flag(help: "Close the connection after every answer, like real Kuzzle (default).")
    var connectionClose = false

    @Option(help: "PEM certificate chain for HTTPS.")
    var tlsCert: String?

    @Option(help: "PEM private key for HTTPS.")
    var tlsKey: String?

    @Option(name: .customLong("collection"), help: "index/collection to create at start (repeatable).")
    var collections: [String] = []

    @Option(help: "Write the bound port to this file once listening.")
    var portFile: String?

    @Option(help: "Event loop threads.")
    var threads = 1

    @Option(help: "limits.documentsWriteCount: most documents per document:m* request (more: 413).")
    var documentsWriteCount = 200

    @Option(help: "limits.concurrentRequests, as reported by GET /_capabilities.")
    var concurrentRequests = 100

    @Flag(help: "Measure mWrite throughput over loopback, print documents/s, and exit.")
    var selfBench = false

    @Option(help: "Seconds the self-benchmark runs.")
    var benchSeconds = 5

    @Option(help: "Concurrent connections of the self-benchmark.")
    var benchConnections = 4

    func validate() throws {
        if keepAlive && connectionClose {
            throw ValidationError("--keep-alive and --connection-close are exclusive")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        for user in users where !user.contains(":") {
            throw ValidationError("--user expects name:password, got \(user)")
        }
        for collection in collections where collection.split(separator: "/").count != 2 {
            throw ValidationError("--collection expects index/collection, got \(collection)")
        }
    }

    func run() async throws {
        var configuration = StandInConfiguration(
            host: host,
            port: selfBench ? 0 : port,
            connectionClose: !keepAlive,
            maxRequestSize: maxRequestSize
        )
        configuration.threads = threads
        configuration.documentsWriteCount = documentsWriteCount
        configuration.concurrentRequests = concurrentRequests
        configuration.authentication.allowsAnonymous = !noAnonymous
        for user in users {
            let parts = user.split(separator: ":", maxSplits: 1)
            configuration.authentication.users[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        for key in apiKeys {
            configuration.authentication.apiKeys[key] = "bridge"
        }
        if let tlsCert, let tlsKey {
            configuration.tls = .init(certificatePath: tlsCert, privateKeyPath: tlsKey)
        }
        configuration.collections = collections.map { name in
            let parts = name.split(separator: "/")
            return .init(index: String(parts[0]), collection: String(parts[1]))
        }
        if selfBench {
            configuration.maxRequestSize = max(maxRequestSize, 4 * 1_048_576)
            configuration.collections.append(.init(index: "bench", collection: "docs"))
            let server = try await StandInServer.start(configuration)
            let report = try await StandInLoadGenerator(
                port: server.port,
                seconds: benchSeconds,
                connections: benchConnections,
                keepAlive: keepAlive
            ).run()
            print(report)
            try await server.shutdown()
            return
        }
        let server = try await StandInServer.start(configuration)
        if let portFile {
            let text = "\(server.port)\n"
            guard let file = fopen(portFile, "w") else { throw ValidationError("cannot write \(portFile)") }
            fputs(text, file)
            fclose(file)
        }
        print("kuzzle-standin listening on \(server.baseURL)")
        fflush(nil)
        // Serve until killed.
        while true {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
