import Kuzzle
import KuzzleStandIn
import Testing

@Suite(.timeLimit(.minutes(2))) struct KuzzleClientAuthenticationTests {
    /// A stand-in where anonymous may do nothing, with one user and one API key.
    static func restricted(tokenLifetime: Duration = .seconds(3600)) -> StandInConfiguration {
        StandInConfiguration(
            authentication: .init(
                allowsAnonymous: false,
                users: ["bridge": "s3cret"],
                apiKeys: ["kapikey-bridge-key": "bridge"],
                tokenLifetime: tokenLifetime
            ),
            collections: [.init(index: "shop", collection: "orders")]
        )
    }

    static let login = KuzzleClientConfiguration.Authentication.login(username: "bridge", password: "s3cret")

    @Test func loginCredentialsAreCheckedAndUsedForWrites() async throws {
        try await withStandIn(Self.restricted(), client: { $0.authentication = Self.login }) { server, client in
            let kuid = try await client.checkCredentials()
            #expect(kuid == "bridge")
            let result = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(3))
            #expect(result.writtenCount == 3)
            #expect(server.counters.requests["auth:login"] == 1)
        }
    }

    @Test func tokenRefusedMidRunTriggersOneFreshLoginAndTheBatchSucceeds() async throws {
        try await withStandIn(Self.restricted(), client: { $0.authentication = Self.login }) { server, client in
            _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(2))
            // The stand-in forgets every token: the client's token is now unknown (401 security.token.invalid),
            // so a login sent with the stale header would fail too.
            server.reset()
            let result = try await client.mWrite(
                index: "shop",
                collection: "orders",
                operations: indexOperations(5, tag: "v2")
            )
            #expect(result.writtenCount == 5)
            #expect(server.counters.requests["auth:login"] == 1)
            #expect(server.documents(index: "shop", collection: "orders").count == 5)
        }
    }

    @Test func expiredTokenAnswerTriggersReLoginThenSuccess() async throws {
        try await withStandIn(Self.restricted(), client: { $0.authentication = Self.login }) { server, client in
            _ = try await client.checkCredentials()
            server.faults.failNextRequests(1, with: .tokenExpired)
            let result = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(4))
            #expect(result.writtenCount == 4)
            #expect(server.counters.requests["auth:login"] == 2)
        }
    }

    @Test func tokenIsRefreshedBeforeItExpires() async throws {
        try await withStandIn(
            Self.restricted(tokenLifetime: .seconds(4)),
            client: {
                $0.authentication = Self.login
                $0.tokenRefreshMargin = .seconds(3)
            }
        ) { server, client in
            _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(1))
            // Refresh is due at max(4 s − 3 s, 4 s / 2) = 2 s after login, while the token is still valid.
            try await Task.sleep(for: .milliseconds(2_300))
            _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(1))
            #expect(server.counters.requests["auth:refreshToken"] == 1)
            #expect(server.counters.requests["auth:login"] == 1)
            #expect(try await client.checkCredentials() == "bridge")
        }
    }

    @Test func refusalOfTheFreshLoginIsReportedOnceInsteadOfLooping() async throws {
        try await withStandIn(Self.restricted(), client: { $0.authentication = Self.login }) { server, client in
            _ = try await client.checkCredentials()
            // The batch meets a 401 token.expired, and so does the fresh login that follows it.
            server.faults.failNextRequests(2, with: .tokenExpired)
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(1))
            }
            #expect(error?.kind == .fatal)
            #expect(error?.status == 401)
            #expect(server.counters.requests["auth:login"] == 2)
            #expect(server.counters.requests["bulk:mWrite"] == 1)
            // The next call starts over with a fresh login and succeeds.
            let result = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(1))
            #expect(result.writtenCount == 1)
        }
    }

    @Test func wrongPasswordIsFatal() async throws {
        try await withStandIn(
            Self.restricted(),
            client: { $0.authentication = .login(username: "bridge", password: "nope") }
        ) { _, client in
            let error = await kuzzleError { try await client.checkCredentials() }
            #expect(error?.kind == .fatal)
            #expect(error?.status == 401)
            #expect(error?.id == "plugin.strategy.missing_user")
        }
    }

    @Test func apiKeyWorksAndARefusedKeyIsFatal() async throws {
        try await withStandIn(Self.restricted(), client: { $0.authentication = .apiKey("kapikey-bridge-key") }) {
            _,
            client in
            let kuid = try await client.checkCredentials()
            #expect(kuid == "bridge")
            let result = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(2))
            #expect(result.writtenCount == 2)
        }
        try await withStandIn(Self.restricted(), client: { $0.authentication = .apiKey("kapikey-unknown") }) {
            _,
            client in
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(2))
            }
            #expect(error?.kind == .fatal)
            #expect(error?.status == 401)
        }
    }

    @Test func anonymousWithoutRightsIsFatal() async throws {
        try await withStandIn(Self.restricted()) { server, client in
            try await client.healthCheck()
            #expect(try await client.ready())
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(1))
            }
            #expect(error?.kind == .fatal)
            #expect(error?.id == "security.rights.unauthorized")
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }
}
