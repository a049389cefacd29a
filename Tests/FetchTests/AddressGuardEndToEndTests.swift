import Testing
@testable import Fetch

/// The guard on real fetches: every refused target is a loopback server that must see no connection.
@Suite struct AddressGuardEndToEndTests {
    private func okServer(_ host: String = "127.0.0.1") throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(host: host) { _, connection in
            connection.respond(200, body: Array("secret".utf8))
            return .keepAlive
        }
    }

    private func refusal(_ fetcher: HTTPFetcher, _ url: String) async -> FetchError? {
        do {
            _ = try await fetcher.fetch(FetchRequest(url: url))
            return nil
        } catch {
            return error
        }
    }

    private let strict = HTTPFetcher(configuration: Fixtures.configuration(allowLoopback: false))

    @Test func loopbackIPv4IsRefusedBeforeConnecting() async throws {
        let server = try okServer()
        let error = await refusal(strict, server.baseURL + "/")
        guard case .refused(let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.category == .loopback && reason.stage == .beforeConnect && reason.port == server.port)
        #expect(server.connectionCount == 0)
    }

    @Test func loopbackIPv6IsRefusedBeforeConnecting() async throws {
        let server = try okServer("::1")
        let error = await refusal(strict, server.baseURL + "/")
        #expect(error?.code == "fetch.refused.loopback")
        #expect(server.connectionCount == 0)
    }

    @Test func localhostNameIsRefused() async throws {
        let server = try okServer()
        let error = await refusal(strict, "http://localhost:\(server.port)/")
        #expect(error?.code == "fetch.refused.loopback")
        #expect(server.connectionCount == 0)
    }

    @Test func obfuscatedLoopbackLiteralsAreRefused() async throws {
        let server = try okServer()
        for host in ["2130706433", "127.1", "0x7f.0.0.1", "[::ffff:127.0.0.1]"] {
            let error = await refusal(strict, "http://\(host):\(server.port)/")
            #expect(error?.code == "fetch.refused.loopback", "\(host): \(String(describing: error))")
        }
        // 0.0.0.0 (and "0") reach the local host on Linux: refused as unspecified, even with loopback open.
        let loopbackOpen = HTTPFetcher(configuration: Fixtures.configuration(allowLoopback: true))
        for host in ["0.0.0.0", "0", "[::]"] {
            let error = await refusal(loopbackOpen, "http://\(host):\(server.port)/")
            #expect(error?.code == "fetch.refused.unspecified", "\(host): \(String(describing: error))")
        }
        #expect(server.connectionCount == 0)
    }

    @Test func nameResolvingToLoopbackIsRefusedAtConnect() async throws {
        // A host name (not a literal) resolved by curl to 127.0.0.1: only the connect-time check sees it.
        let server = try okServer()
        var configuration = Fixtures.configuration(allowLoopback: false)
        configuration.resolveOverrides = ["feeds.example.test:\(server.port):127.0.0.1"]
        let error = await refusal(HTTPFetcher(configuration: configuration), "http://feeds.example.test:\(server.port)/")
        guard case .refused(let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.stage == .atConnect && reason.category == .loopback && reason.address == "127.0.0.1")
        #expect(server.connectionCount == 0)
    }

    @Test func redirectFromAllowedServerToForbiddenPortIsRefused() async throws {
        let forbidden = try okServer()
        let forbiddenPort = forbidden.port
        let allowed = try LoopbackHTTPServer { request, connection in
            switch request.target {
            case "/to-literal": connection.respond(302, "Found", headers: [("Location", "http://127.0.0.1:\(forbiddenPort)/admin")])
            case "/to-localhost": connection.respond(302, "Found", headers: [("Location", "http://localhost:\(forbiddenPort)/admin")])
            case "/to-name": connection.respond(302, "Found", headers: [("Location", "http://metadata.example.test:\(forbiddenPort)/")])
            case "/to-file": connection.respond(302, "Found", headers: [("Location", "file:///etc/passwd")])
            default: connection.respond(200, body: Array("ok".utf8))
            }
            return .keepAlive
        }
        // Port-level allowlist: only the allowed server's exact address and port are opened.
        var configuration = Fixtures.configuration(allowLoopback: false)
        configuration.addressGuard = AddressGuard(allowlist: [AllowRule("127.0.0.1/32:\(allowed.port)")!])
        configuration.resolveOverrides = ["metadata.example.test:\(forbiddenPort):127.0.0.1"]
        let fetcher = HTTPFetcher(configuration: configuration)

        let direct = try await fetcher.fetch(FetchRequest(url: allowed.baseURL + "/"))
        #expect(direct.body == Array("ok".utf8), "the allowlisted server is reachable")

        for path in ["/to-literal", "/to-localhost", "/to-name"] {
            let error = await refusal(fetcher, allowed.baseURL + path)
            guard case .refused(let reason)? = error else { Issue.record("\(path): got \(String(describing: error))"); continue }
            #expect(reason.category == .loopback && reason.port == forbiddenPort)
        }
        let file = await refusal(fetcher, allowed.baseURL + "/to-file")
        #expect(file?.code == "fetch.unsupported-scheme")
        #expect(forbidden.connectionCount == 0, "no hop ever reached the forbidden port")
        #expect(allowed.requests.count == 5)
    }

    @Test func nonHTTPSchemesAreRefusedBeforeAnyConnection() async throws {
        for url in ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://127.0.0.1/x", "dict://127.0.0.1:11211/stat"] {
            let error = await refusal(strict, url)
            guard case .unsupportedScheme? = error else { Issue.record("\(url): got \(String(describing: error))"); continue }
            #expect(!RetryPolicy.isTransient(error!))
        }
        #expect(await refusal(strict, "not a url")?.code == "fetch.invalid-url")
    }

    @Test func refusalsAreFinal() {
        let error = FetchError.refused(AddressRefusal(url: "u", address: "10.0.0.1", port: 80, category: .privateNetwork, stage: .atConnect))
        #expect(RetryPolicy().decide(error: error, attempt: 1) == .giveUp(reason: "fetch.refused.private: \(error)"))
    }
}
