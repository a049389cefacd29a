import Foundation
import Synchronization
import Testing
@testable import Fetch

/// End-to-end fetches against `LoopbackHTTPServer` (127.0.0.1 / ::1 only).
@Suite struct HTTPFetcherTests {
    private func expectFetchError(_ fetcher: HTTPFetcher, _ url: String, validators: Validators = Validators(),
                                  sourceLocation: SourceLocation = #_sourceLocation) async -> FetchError? {
        do {
            let response = try await fetcher.fetch(FetchRequest(url: url, validators: validators))
            Issue.record("expected an error, got HTTP \(response.status)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test func etagThenNotModifiedThroughTheValidatorCache() async throws {
        let server = try LoopbackHTTPServer { request, connection in
            if request.header("If-None-Match") == "\"v1\"" {
                connection.respond(304, "Not Modified", headers: [("ETag", "\"v1\"")])
            } else {
                connection.respond(200, headers: [("ETag", "\"v1\""), ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
                                                  ("Content-Type", "application/rss+xml")], body: Array("<rss/>".utf8))
            }
            return .keepAlive
        }
        let cache = try ValidatorCache(path: ":memory:")
        let fetcher = HTTPFetcher(configuration: Fixtures.configuration(), validatorCache: cache)
        let url = server.baseURL + "/feed.xml"

        let first = try await fetcher.fetch(FetchRequest(url: url))
        #expect(first.status == 200 && !first.notModified)
        #expect(first.body == Array("<rss/>".utf8))
        #expect(first.validators == Validators(etag: "\"v1\"", lastModified: "Wed, 21 Oct 2015 07:28:00 GMT"))
        #expect(try await cache.validators(for: url) == first.validators)

        let second = try await fetcher.fetch(FetchRequest(url: url))
        #expect(second.status == 304 && second.notModified && second.body.isEmpty)
        #expect(second.sentValidators.etag == "\"v1\"")
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests[0].header("If-None-Match") == nil)
        #expect(requests[1].header("If-None-Match") == "\"v1\"")
        #expect(requests[1].header("If-Modified-Since") == "Wed, 21 Oct 2015 07:28:00 GMT")
        #expect(server.connectionCount == 1, "the keep-alive connection is reused")
        #expect(requests[0].header("User-Agent") == "feedworker/0.1 (+https://github.com/feedworker/feedworker)")
    }

    @Test func validatorsFromTheJobAreSent() async throws {
        let server = try LoopbackHTTPServer { request, connection in
            connection.respond(request.header("If-Modified-Since") == "Tue, 01 Jan 2030 00:00:00 GMT" ? 304 : 200)
            return .keepAlive
        }
        let fetcher = HTTPFetcher(configuration: Fixtures.configuration())
        let response = try await fetcher.fetch(FetchRequest(url: server.baseURL + "/",
                                                            validators: Validators(lastModified: "Tue, 01 Jan 2030 00:00:00 GMT")))
        #expect(response.notModified)
    }

    private func redirectServer() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request, connection in
            let target = request.target
            if target == "/relative" {
                connection.respond(302, "Found", headers: [("Location", "final?from=relative")])
            } else if target == "/absolute" {
                connection.respond(301, "Moved", headers: [("Location", "http://127.0.0.1:\(connection.server.port)/final")])
            } else if target == "/loop-a" {
                connection.respond(307, "Temporary", headers: [("Location", "/loop-b")])
            } else if target == "/loop-b" {
                connection.respond(308, "Permanent", headers: [("Location", "/loop-a")])
            } else if target.hasPrefix("/chain/"), let n = Int(target.dropFirst("/chain/".count)) {
                if n == 0 { connection.respond(200, body: Array("end".utf8)) } else {
                    connection.respond(302, "Found", headers: [("Location", "/chain/\(n - 1)")])
                }
            } else if target == "/no-location" {
                connection.respond(302, "Found")
            } else if target.hasPrefix("/final") {
                connection.respond(200, headers: [("Content-Type", "text/plain")], body: Array("final".utf8))
            } else {
                connection.respond(404, "Not Found")
            }
            return .keepAlive
        }
    }

    @Test func redirectsRelativeAndAbsolute() async throws {
        let server = try redirectServer()
        let fetcher = HTTPFetcher(configuration: Fixtures.configuration())
        let relative = try await fetcher.fetch(FetchRequest(url: server.baseURL + "/relative"))
        #expect(relative.status == 200 && relative.body == Array("final".utf8))
        #expect(relative.finalURL == server.baseURL + "/final?from=relative")
        #expect(relative.redirects.map(\.status) == [302])
        let absolute = try await fetcher.fetch(FetchRequest(url: server.baseURL + "/absolute"))
        #expect(absolute.finalURL == server.baseURL + "/final")
        #expect(absolute.redirects == [RedirectHop(status: 301, from: server.baseURL + "/absolute", to: server.baseURL + "/final")])
    }

    @Test func redirectLoopAndLimit() async throws {
        let server = try redirectServer()
        let fetcher = HTTPFetcher(configuration: Fixtures.configuration())
        let loop = await expectFetchError(fetcher, server.baseURL + "/loop-a")
        guard case .redirectLoop(let chain)? = loop else { Issue.record("expected a loop, got \(String(describing: loop))"); return }
        #expect(chain.map(\.to) == [server.baseURL + "/loop-b", server.baseURL + "/loop-a"])

        let five = try await fetcher.fetch(FetchRequest(url: server.baseURL + "/chain/5"))
        #expect(five.redirects.count == 5 && five.body == Array("end".utf8), "five redirects are allowed")

        let six = await expectFetchError(fetcher, server.baseURL + "/chain/6")
        guard case .tooManyRedirects(let limit, let sixChain)? = six else { Issue.record("got \(String(describing: six))"); return }
        #expect(limit == 5 && sixChain.count == 6)
        #expect(server.requests.filter { $0.target == "/chain/0" }.count == 1, "the hop past the limit is never requested")

        let missing = await expectFetchError(fetcher, server.baseURL + "/no-location")
        #expect(missing?.code == "fetch.redirect-without-location")
    }

    @Test func gzipBodyIsDecoded() async throws {
        let original = Array(String(repeating: "<item><title>Héllo</title></item>\n", count: 500).utf8)
        let compressed = try Fixtures.gzip(original)
        #expect(compressed.count < original.count / 5)
        let server = try LoopbackHTTPServer { request, connection in
            #expect(request.header("Accept-Encoding")?.contains("gzip") == true)
            connection.respond(200, headers: [("Content-Encoding", "gzip"), ("Content-Type", "application/xml")], body: compressed)
            return .keepAlive
        }
        let fetcher = HTTPFetcher(configuration: Fixtures.configuration())
        let response = try await fetcher.fetch(FetchRequest(url: server.baseURL + "/feed"))
        #expect(response.body == original)
    }

    @Test func gzipBombIsRefusedAtTheCap() async throws {
        let inflated = [UInt8](repeating: 0x20, count: 64 * 1024 * 1024)
        let bomb = try Fixtures.gzip(inflated)
        #expect(bomb.count < 512 * 1024, "64 MiB of spaces compress to a small bomb (\(bomb.count) bytes)")
        let server = try LoopbackHTTPServer { _, connection in
            connection.respond(200, headers: [("Content-Encoding", "gzip")], body: bomb)
            return .close
        }
        var configuration = Fixtures.configuration()
        configuration.maxBodyBytes = 1024 * 1024
        let fetcher = HTTPFetcher(configuration: configuration)
        let error = await expectFetchError(fetcher, server.baseURL + "/bomb")
        guard case .bodyTooLarge(let limit, let compressed, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(limit == 1024 * 1024 && compressed)
    }

    @Test func bodyOverTheCapIsCutWhileStreaming() async throws {
        let total = 64 * 1024 * 1024
        let server = try LoopbackHTTPServer { _, connection in
            // No Content-Length: the client can only find out by counting while it reads.
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            let chunk = [UInt8](repeating: 0x41, count: 64 * 1024)
            var sent = 0
            while sent < total {
                guard connection.write(chunk) else { connection.note("cut after \(sent)"); return .close }
                sent += chunk.count
            }
            connection.note("complete")
            return .close
        }
        var configuration = Fixtures.configuration()
        configuration.maxBodyBytes = 1024 * 1024
        let fetcher = HTTPFetcher(configuration: configuration)
        let error = await expectFetchError(fetcher, server.baseURL + "/huge")
        guard case .bodyTooLarge(let limit, let compressed, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(limit == 1024 * 1024 && !compressed)
        // The server finds the connection closed long before it has written 64 MiB.
        var events: [String] = []
        for _ in 0..<100 where events.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            events = server.notedEvents
        }
        let event = try #require(events.first)
        #expect(event.hasPrefix("cut after "))
        let sentBeforeCut = Int(event.dropFirst("cut after ".count)) ?? total
        #expect(sentBeforeCut < total / 2)
    }

    @Test func contentLengthOverTheCapIsRefusedBeforeTheBody() async throws {
        let server = try LoopbackHTTPServer { _, connection in
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n")
            connection.waitForPeerClose()
            return .close
        }
        var configuration = Fixtures.configuration()
        configuration.maxBodyBytes = 1024 * 1024
        let error = await expectFetchError(HTTPFetcher(configuration: configuration), server.baseURL + "/")
        #expect(error?.code == "fetch.too-large")
    }

    @Test func serverThatNeverAnswersTimesOut() async throws {
        let server = try LoopbackHTTPServer { _, connection in
            connection.waitForPeerClose()
            return .close
        }
        var configuration = Fixtures.configuration()
        configuration.totalTimeout = .milliseconds(1500)
        let error = await expectFetchError(HTTPFetcher(configuration: configuration), server.baseURL + "/silent")
        guard case .timedOut(let kind, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(kind == .total)
        #expect(RetryPolicy.isTransient(error!))
    }

    @Test func connectThatNeverCompletesTimesOut() async throws {
        let listener = try FullBacklogListener()
        var configuration = Fixtures.configuration()
        configuration.connectTimeout = .seconds(1)
        let error = await expectFetchError(HTTPFetcher(configuration: configuration), "http://127.0.0.1:\(listener.port)/")
        guard case .timedOut(let kind, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(kind == .connect)
    }

    @Test func tricklingServerIsAbortedByTheLowSpeedLimit() async throws {
        let server = try LoopbackHTTPServer { _, connection in
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 600\r\n\r\n")
            for _ in 0..<600 {
                guard connection.write([0x2E]) else { connection.note("cut"); return .close }
                Thread.sleep(forTimeInterval: 1)
            }
            return .close
        }
        var configuration = Fixtures.configuration()
        configuration.lowSpeedLimitBytesPerSecond = 100
        configuration.lowSpeedTime = .seconds(2)
        configuration.totalTimeout = .seconds(30)
        let error = await expectFetchError(HTTPFetcher(configuration: configuration), server.baseURL + "/slow")
        guard case .timedOut(let kind, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(kind == .lowSpeed)
    }

    @Test func tooManyRequestsCarriesRetryAfterIntoTheDecision() async throws {
        let server = try LoopbackHTTPServer { _, connection in
            connection.respond(429, "Too Many Requests", headers: [("Retry-After", "120")])
            return .keepAlive
        }
        let error = try #require(await expectFetchError(HTTPFetcher(configuration: Fixtures.configuration()), server.baseURL + "/"))
        guard case .httpStatus(let status, _, let retryAfter) = error else { Issue.record("got \(error)"); return }
        #expect(status == 429 && retryAfter == .seconds(120))
        var policy = RetryPolicy()
        policy.baseDelay = .seconds(1)
        guard case .retry(let after) = policy.decide(error: error, attempt: 1) else { Issue.record("expected a retry"); return }
        #expect(after >= .seconds(120), "the server's Retry-After is honoured")
    }

    @Test func serviceUnavailableWithRetryAfterDate() async throws {
        let server = try LoopbackHTTPServer { _, connection in
            // An IMF-fixdate 600 s from now, written from the C clock like a server would.
            var now = time(nil) + 600
            var parts = tm()
            gmtime_r(&now, &parts)
            var buffer = [CChar](repeating: 0, count: 64)
            let length = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            let date = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            connection.respond(503, "Service Unavailable", headers: [("Retry-After", date)])
            return .keepAlive
        }
        let start = time(nil)
        let error = try #require(await expectFetchError(HTTPFetcher(configuration: Fixtures.configuration()), server.baseURL + "/"))
        let elapsed = Int(time(nil) - start)
        #expect(error.code == "fetch.http.503")
        let delay = try #require(error.retryAfter)
        // The date was written at some moment of the fetch; under load the fetch itself may take seconds.
        #expect(delay >= .seconds(600 - elapsed - 1) && delay <= .seconds(601), "date 600 s ahead -> about 600 s (\(delay), fetch took \(elapsed) s)")
        var policy = RetryPolicy()
        policy.baseDelay = .seconds(1)
        guard case .retry(let after) = policy.decide(error: error, attempt: 2) else { Issue.record("503 must be retried"); return }
        #expect(after >= delay)
    }

    @Test func serverErrorThenSuccessOnRetry() async throws {
        let calls = Mutex(0)
        let server = try LoopbackHTTPServer { _, connection in
            let call = calls.withLock { value in value += 1; return value }
            if call == 1 { connection.respond(500, "Internal Server Error") } else { connection.respond(200, body: Array("ok".utf8)) }
            return .keepAlive
        }
        let fetcher = HTTPFetcher(configuration: Fixtures.configuration())
        let url = server.baseURL + "/flaky"
        let error = try #require(await expectFetchError(fetcher, url))
        #expect(error.code == "fetch.http.500")
        let decision = RetryPolicy().decide(error: error, attempt: 1)
        guard case .retry = decision else { Issue.record("500 must be retried, got \(decision)"); return }
        let second = try await fetcher.fetch(FetchRequest(url: url))
        #expect(second.status == 200 && second.body == Array("ok".utf8))
    }

    @Test func charsetDeclaredOnlyInTheHeaderIsReturned() async throws {
        // "日本語のページ" in Shift_JIS; the document itself declares nothing.
        let shiftJIS: [UInt8] = [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA, 0x82, 0xCC, 0x83, 0x79, 0x81, 0x5B, 0x83, 0x57]
        let body = Array("<html><body><p>".utf8) + shiftJIS + Array("</p></body></html>".utf8)
        let server = try LoopbackHTTPServer { _, connection in
            connection.respond(200, headers: [("Content-Type", "text/html; charset=Shift_JIS")], body: body)
            return .keepAlive
        }
        let response = try await HTTPFetcher(configuration: Fixtures.configuration()).fetch(FetchRequest(url: server.baseURL + "/sjis"))
        #expect(response.charset == "shift_jis")
        #expect(response.contentType == "text/html; charset=Shift_JIS")
        #expect(response.body == body, "bytes are handed over undecoded")
    }

    @Test func ipv6LoopbackServerWhenAllowlisted() async throws {
        let server = try LoopbackHTTPServer(host: "::1") { _, connection in
            connection.respond(200, body: Array("v6".utf8))
            return .keepAlive
        }
        let response = try await HTTPFetcher(configuration: Fixtures.configuration()).fetch(FetchRequest(url: server.baseURL + "/"))
        #expect(response.body == Array("v6".utf8))
        #expect(response.remoteAddress == "::1")
    }
}

/// `Content-Type` and `Retry-After` value parsing.
@Suite struct HeaderValueTests {
    @Test func charsetParameter() {
        #expect(HeaderValues.charset(fromContentType: "text/html; charset=Shift_JIS") == "shift_jis")
        #expect(HeaderValues.charset(fromContentType: "text/xml;charset=\"ISO-8859-1\"") == "iso-8859-1")
        #expect(HeaderValues.charset(fromContentType: "application/rss+xml; q=1; Charset = utf-8 ") == "utf-8")
        #expect(HeaderValues.charset(fromContentType: "text/html") == nil)
        #expect(HeaderValues.charset(fromContentType: "text/html; charset=") == nil)
    }

    @Test func retryAfterSecondsAndDate() {
        #expect(RetryAfter.parse("120", now: 0) == .seconds(120))
        #expect(RetryAfter.parse(" 7 ", now: 0) == .seconds(7))
        // Wed, 21 Oct 2015 07:28:00 GMT is 1445412480 seconds after 1970.
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now: 1_445_412_480 - 90) == .seconds(90))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now: 1_445_412_480 + 10) == .zero, "a past date means now")
        #expect(RetryAfter.parse("soon", now: 0) == nil)
        #expect(RetryAfter.parse("-5", now: 0) == nil)
    }
}

/// Behaviour of the shared client under concurrency, cancellation and persistence.
@Suite struct HTTPFetcherSharingTests {
    @Test func perHostLimitHoldsAcrossConcurrentJobs() async throws {
        let load = Mutex((current: 0, peak: 0))
        let server = try LoopbackHTTPServer { _, connection in
            load.withLock { $0.current += 1; $0.peak = max($0.peak, $0.current) }
            Thread.sleep(forTimeInterval: 0.1)
            load.withLock { $0.current -= 1 }
            connection.respond(200, body: Array("x".utf8))
            return .keepAlive
        }
        var configuration = Fixtures.configuration()
        configuration.perHostConcurrency = 2
        let fetcher = HTTPFetcher(configuration: configuration)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask { try await fetcher.fetch(FetchRequest(url: server.baseURL + "/\(index)")).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(load.withLock { $0.peak } == 2, "8 jobs, 2 permits: never more than 2 requests at the server")
        #expect(server.connectionCount <= 2, "the two connections are reused")
    }

    @Test func cancellingTheTaskEndsTheTransfer() async throws {
        let server = try LoopbackHTTPServer { _, connection in
            connection.note("request")
            connection.waitForPeerClose()
            connection.note("peer closed")
            return .close
        }
        let fetcher = HTTPFetcher(configuration: Fixtures.configuration())
        let task = Task { () async -> FetchError? in
            do throws(FetchError) {
                _ = try await fetcher.fetch(FetchRequest(url: server.baseURL + "/hang"))
                return nil
            } catch {
                return error
            }
        }
        // Cancel once the request is at the server: on a loaded machine a fixed sleep was sometimes
        // shorter than the time to get there, and a transfer cancelled before it connects leaves
        // the server nothing to see.
        for _ in 0..<500 where server.notedEvents.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.notedEvents == ["request"], "the request reached the server")
        task.cancel()
        let error = await task.value
        guard case .cancelled? = error else { Issue.record("expected cancelled, got \(String(describing: error))"); return }
        for _ in 0..<500 where server.notedEvents.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.notedEvents == ["request", "peer closed"], "the connection was closed, not left hanging")
    }

    @Test func validatorCachePersistsOnDisk() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("validators-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let cache = try ValidatorCache(path: path)
            try await cache.store(Validators(etag: "\"abc\""), for: "https://example.org/feed", now: 1)
        }
        let reopened = try ValidatorCache(path: path)
        #expect(try await reopened.validators(for: "https://example.org/feed") == Validators(etag: "\"abc\""))
        #expect(try await reopened.validators(for: "https://example.org/other") == nil)
        try await reopened.store(Validators(), for: "https://example.org/feed", now: 2)
        #expect(try await reopened.validators(for: "https://example.org/feed") == nil, "empty validators forget the URL")
        try await reopened.store(Validators(etag: "old"), for: "https://example.org/a", now: 100)
        try await reopened.store(Validators(etag: "new"), for: "https://example.org/b", now: 200)
        #expect(try await reopened.purge(updatedBefore: 150) == 1)
        #expect(try await reopened.validators(for: "https://example.org/a") == nil)
        #expect(try await reopened.validators(for: "https://example.org/b")?.etag == "new")
    }

    @Test func linkedLibcurlSpeaksHTTP2() {
        // HTTP/2 is negotiated over TLS (CURL_HTTP_VERSION_2TLS); no TLS server runs in these tests, so this
        // checks that the libcurl we link was built with nghttp2.
        #expect(CurlSupport.hasHTTP2)
    }
}
