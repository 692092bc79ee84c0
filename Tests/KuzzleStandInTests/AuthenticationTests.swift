import Foundation
import KuzzleStandIn
import NIOHTTP1
import Testing

@Suite("Authentication follows Kuzzle 2 (section 6)")
struct AuthenticationTests {
    private func configuration(lifetime: Duration = .seconds(3600)) -> StandInConfiguration {
        var configuration = StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        configuration.authentication = .init(
            allowsAnonymous: false,
            users: ["bridge": "secret"],
            apiKeys: ["kapikey-configured": "bridge"],
            tokenLifetime: lifetime
        )
        return configuration
    }

    private func login(
        _ server: StandInServer,
        expiresIn: String? = nil,
        token: String? = nil
    ) async throws -> TestResponse {
        let query = expiresIn.map { "?expiresIn=\($0)" } ?? ""
        return try await server.send(
            .POST,
            "/_login/local\(query)",
            json: #"{"username":"bridge","password":"secret"}"#,
            headers: token.map { [("Authorization", "Bearer \($0)")] } ?? []
        )
    }

    @Test("Login returns a kauth- token with expiresAt and ttl, and the token authorises writes")
    func loginThenWrite() async throws {
        try await withStandIn(configuration()) { (server: StandInServer) async throws in
            let response = try await login(server)
            #expect(response.status == 200)
            let jwt = try #require(response.result["jwt"] as? String)
            #expect(jwt.hasPrefix("kauth-"))
            #expect(jwt.split(separator: ".").count == 3)
            #expect(response.result["ttl"] as? Int == 3_600_000)
            #expect(response.result["_id"] as? String == "bridge")
            let expiresAt = response.result["expiresAt"] as? Int ?? 0
            #expect(expiresAt > Int(Date().timeIntervalSince1970 * 1000))
            let write = try await server.send(
                .POST,
                "/shop/orders/_bulk",
                json: #"{"bulkData":[{"index":{"_id":"a"}},{"x":1}]}"#,
                headers: [("Authorization", "bearer \(jwt)")]
            )
            #expect(write.status == 200)
            let info = server.storedBody("shop", "orders", "a")?["_kuzzle_info"] as? [String: Any]
            #expect(info?["author"] as? String == "bridge")
            let me = try await server.send(.GET, "/_me", headers: [("Authorization", "Bearer \(jwt)")])
            #expect(me.result["_id"] as? String == "bridge")
        }
    }

    @Test("Anonymous is refused with 401 security.rights.unauthorized when configured so")
    func anonymousRefused() async throws {
        try await withStandIn(configuration()) { (server: StandInServer) async throws in
            let response = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1))
            #expect(response.status == 401)
            #expect(response.errorID == "security.rights.unauthorized")
            #expect(
                response.error["message"] as? String
                    == #"Unauthorized: authentication required to execute the action "bulk:mWrite". -1"#
            )
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test("Wrong credentials give 401 plugin.strategy.missing_user")
    func wrongCredentials() async throws {
        try await withStandIn(configuration()) { (server: StandInServer) async throws in
            let response = try await server.send(
                .POST,
                "/_login/local",
                json: #"{"username":"bridge","password":"no"}"#
            )
            #expect(response.status == 401)
            #expect(response.errorID == "plugin.strategy.missing_user")
            #expect(response.error["message"] as? String == "wrong username or password")
        }
    }

    @Test("An expired token gives 401 security.token.expired, and a stale token on login makes login fail")
    func expiryAndStaleTokenOnLogin() async throws {
        try await withStandIn(configuration()) { (server: StandInServer) async throws in
            let jwt = try #require(try await login(server, expiresIn: "300ms").result["jwt"] as? String)
            try await Task.sleep(for: .milliseconds(400))  // on purpose: past the token's 300 ms lifetime
            let write = try await server.send(
                .POST,
                "/shop/orders/_mWrite",
                json: mWriteBody(count: 1),
                headers: [("Authorization", "Bearer \(jwt)")]
            )
            #expect(write.status == 401)
            #expect(write.errorID == "security.token.expired")
            let staleLogin = try await login(server, token: jwt)
            #expect(staleLogin.status == 401)
            #expect(staleLogin.errorID == "security.token.expired")
            #expect(try await login(server).status == 200)
        }
    }

    @Test("A garbage or logged-out token is security.token.invalid")
    func invalidTokens() async throws {
        try await withStandIn(configuration()) { (server: StandInServer) async throws in
            let garbage = try await server.send(.GET, "/_now", headers: [("Authorization", "Bearer nonsense")])
            #expect(garbage.errorID == "security.token.invalid")
            let jwt = try #require(try await login(server).result["jwt"] as? String)
            let bearer = [("Authorization", "Bearer \(jwt)")]
            #expect(try await server.send(.POST, "/_logout", headers: bearer).result["acknowledged"] as? Bool == true)
            let after = try await server.send(.GET, "/_now", headers: bearer)
            #expect(after.status == 401)
            #expect(after.errorID == "security.token.invalid")
        }
    }

    @Test("refreshToken issues a new token; the old one dies after the grace period")
    func refreshToken() async throws {
        var configuration = configuration()
        configuration.authentication.refreshGracePeriod = .milliseconds(200)
        try await withStandIn(configuration) { (server: StandInServer) async throws in
            let old = try #require(try await login(server, expiresIn: "1h").result["jwt"] as? String)
            try await Task.sleep(for: .milliseconds(1100))  // a JWT has 1 s resolution: refresh in another second
            let refreshed = try await server.send(
                .POST,
                "/_refreshToken?expiresIn=2h",
                headers: [("Authorization", "Bearer \(old)")]
            )
            let new = try #require(refreshed.result["jwt"] as? String)
            #expect(new != old)
            #expect(refreshed.result["ttl"] as? Int == 7_200_000)
            try await Task.sleep(for: .milliseconds(300))  // on purpose: past the 200 ms grace period
            #expect(try await server.send(.GET, "/_now", headers: [("Authorization", "Bearer \(old)")]).status == 401)
            #expect(try await server.send(.GET, "/_now", headers: [("Authorization", "Bearer \(new)")]).status == 200)
        }
    }

    @Test("API keys: configured and created kapikey- tokens authorise requests and cannot be refreshed")
    func apiKeys() async throws {
        try await withStandIn(configuration()) { (server: StandInServer) async throws in
            let configured = [("Authorization", "Bearer kapikey-configured")]
            #expect(
                try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1), headers: configured)
                    .status == 200
            )
            let jwt = try #require(try await login(server).result["jwt"] as? String)
            let created = try await server.send(
                .POST,
                "/api-keys/_create?_id=bridge-key",
                json: #"{"description":"bridge"}"#,
                headers: [("Authorization", "Bearer \(jwt)")]
            )
            #expect(created.result["_id"] as? String == "bridge-key")
            let source = created.result["_source"] as? [String: Any]
            let token = try #require(source?["token"] as? String)
            #expect(token.hasPrefix("kapikey-"))
            #expect(source?["expiresAt"] as? Int == -1)
            let key = [("Authorization", "Bearer \(token)")]
            #expect(try await server.send(.GET, "/_now", headers: key).status == 200)
            let refresh = try await server.send(.POST, "/_refreshToken", headers: key)
            #expect(refresh.errorID == "security.token.refresh_forbidden")
            let check = try await server.send(.POST, "/_checkToken", json: #"{"token":"\#(token)"}"#)
            #expect(check.result["valid"] as? Bool == true)
            #expect(check.result["kuid"] as? String == "bridge")
        }
    }
}
