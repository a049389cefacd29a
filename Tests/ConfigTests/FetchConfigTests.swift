import Testing
@testable import Config

@Suite struct FetchConfigTests {
    @Test func defaults() {
        let fetch = FeedworkerConfig().fetch
        #expect(fetch.maxBodyBytes == 10 * 1024 * 1024)
        #expect(fetch.maxRedirects == 5)
        #expect(fetch.perHostConcurrency == 2)
        #expect(fetch.guardEnabled)
        #expect(fetch.allowlist.isEmpty)
        #expect(fetch.validatorCache)
    }

    @Test func readsTheFetchSection() throws {
        let config = try FeedworkerConfig.parse("""
        [fetch]
        contact_url = "https://ops.example.org/crawler"
        connect_timeout = "2s"
        total_timeout = "15s"
        max_body_bytes = 2048
        max_redirects = 0
        per_host_concurrency = 4
        per_host_min_delay = "0s"
        max_attempts = 3
        backoff_base = "1s"
        backoff_cap = "10s"
        guard = false
        allowlist = ["127.0.0.0/8", "[::1]:8080", "10.1.2.3/32:8080"]
        validator_cache = false
        """)
        #expect(config.fetch.contactURL == "https://ops.example.org/crawler")
        #expect(config.fetch.connectTimeout == .seconds(2))
        #expect(config.fetch.totalTimeout == .seconds(15))
        #expect(config.fetch.maxBodyBytes == 2048)
        #expect(config.fetch.maxRedirects == 0)
        #expect(config.fetch.perHostConcurrency == 4)
        #expect(config.fetch.perHostMinDelay == .zero)
        #expect(config.fetch.maxAttempts == 3)
        #expect(config.fetch.backoffBase == .seconds(1))
        #expect(config.fetch.backoffCap == .seconds(10))
        #expect(!config.fetch.guardEnabled)
        #expect(config.fetch.allowlist == ["127.0.0.0/8", "[::1]:8080", "10.1.2.3/32:8080"])
        #expect(!config.fetch.validatorCache)
        // The rendered config reads back to the same values.
        #expect(try FeedworkerConfig.parse(config.rendered()) == config)
    }

    @Test func environmentOverrides() throws {
        let config = try FeedworkerConfig.parse("", environment: [
            "FEEDWORKER_FETCH_GUARD": "false",
            "FEEDWORKER_FETCH_ALLOWLIST": "127.0.0.0/8, ::1/128",
            "FEEDWORKER_FETCH_MAX_ATTEMPTS": "2",
            "FEEDWORKER_FETCH_BACKOFF_BASE": "500ms",
        ])
        #expect(!config.fetch.guardEnabled)
        #expect(config.fetch.allowlist == ["127.0.0.0/8", "::1/128"])
        #expect(config.fetch.maxAttempts == 2)
        #expect(config.fetch.backoffBase == .milliseconds(500))
    }

    @Test(arguments: [
        "[fetch]\nallowlist = [\"127.0.0.0/33\"]",
        "[fetch]\nallowlist = [\"localhost\"]",
        "[fetch]\nallowlist = [\"10.0.0.0/8:0\"]",
        "[fetch]\nallowlist = [\"[::1\"]",
        "[fetch]\nallowlist = [8]",
        "[fetch]\nmax_attempts = 0",
        "[fetch]\nguard = \"yes\"",
        "[fetch]\ncontact_url = \"not a url\"",
        "[fetch]\nconnect_timeout = \"0s\"",
        "[fetch]\nmax_redirect = 5",
    ])
    func rejectsBadValues(_ text: String) {
        #expect(throws: ConfigError.self) { try FeedworkerConfig.parse(text) }
    }

    @Test func rejectsABadEnvironmentValue() {
        #expect(throws: ConfigError.self) { try FeedworkerConfig.parse("", environment: ["FEEDWORKER_FETCH_ALLOWLIST": "nope"]) }
        #expect(throws: ConfigError.self) { try FeedworkerConfig.parse("", environment: ["FEEDWORKER_FETCH_GUARD": "maybe"]) }
    }
}
