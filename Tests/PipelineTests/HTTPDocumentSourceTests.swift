import Config
import Foundation
import Normalization
import Pipeline
import Testing

/// `HTTPDocumentSource` on its own (no broker): job fields in, `FetchedDocument` or `JobError` out.
@Suite struct HTTPDocumentSourceTests {
    private func config(allowing port: Int) -> FeedworkerConfig {
        var config = FeedworkerConfig()
        config.fetch.allowlist = ["127.0.0.1/32:\(port)"]
        config.fetch.perHostMinDelay = .zero
        config.fetch.validatorCache = false
        config.fetch.maxAttempts = 3
        return config
    }

    @Test func notBeforeRoundTripsThroughTheJobJSON() throws {
        var job = FetchJob(jobID: "j", url: "http://127.0.0.1/x", attempt: 2)
        job.notBefore = Timestamp(secondsSinceEpoch: 1_764_390_000)
        let text = String(decoding: job.encodeJSON(), as: UTF8.self)
        #expect(text.contains("\"not_before\":\"2025-11-29T04:20:00Z\""))
        let back = try FetchJob.decode(job.encodeJSON(), maxBodyBytes: 1024)
        #expect(back == job)
        #expect(throws: JobError.self) {
            try FetchJob.decode(Array(#"{"job_id":"j","url":"u","not_before":"soon"}"#.utf8), maxBodyBytes: 1024)
        }
    }

    @Test func contentTypeAndCharsetReachTheDocument() async throws {
        let body: [UInt8] = [0x82, 0xA0, 0x82, 0xA2] // あい in Shift_JIS
        let server = try TinyHTTPServer { _ in
            .init(status: 200, headers: [("Content-Type", "text/html; charset=Shift_JIS"), ("ETag", "\"e\"")], body: body)
        }
        defer { server.stop() }
        let source = try HTTPDocumentSource(config: config(allowing: server.port))
        let document = try await source.document(for: FetchJob(jobID: "j", url: server.baseURL + "/page"))
        #expect(document.contentType == "text/html; charset=Shift_JIS")
        #expect(document.bytes == body)
        #expect(document.etag == "\"e\"")
        #expect(!document.notModified)
        #expect(document.fetchedAt != nil, "a fetched document carries the fetch time")
    }

    @Test func jobValidatorsAreSentAnd304IsNotModified() async throws {
        let server = try TinyHTTPServer { request in
            request.headers["if-modified-since"] == "Tue, 04 Mar 2025 10:00:00 GMT" ? .init(status: 304) : .init(status: 200, body: Array("x".utf8))
        }
        defer { server.stop() }
        let source = try HTTPDocumentSource(config: config(allowing: server.port))
        let job = FetchJob(jobID: "j", url: server.baseURL + "/feed", lastModified: "Tue, 04 Mar 2025 10:00:00 GMT")
        let document = try await source.document(for: job)
        #expect(document.notModified)
        #expect(document.bytes.isEmpty)
        #expect(source.stats.notModified.load(ordering: .relaxed) == 1)
    }

    @Test func failuresCarryTheFetchCodeAndTransientOnesAskForARetry() async throws {
        let server = try TinyHTTPServer { request in .init(status: request.path == "/busy" ? 503 : 410) }
        defer { server.stop() }
        let source = try HTTPDocumentSource(config: config(allowing: server.port))
        do {
            _ = try await source.document(for: FetchJob(jobID: "j", url: server.baseURL + "/busy"))
            Issue.record("a 503 must fail")
        } catch {
            #expect(error.reason == "fetch.http.503")
            #expect(error.code == .fetchFailed)
            #expect(error.retryAfter != nil)
        }
        do {
            // The last allowed attempt: no retry any more.
            _ = try await source.document(for: FetchJob(jobID: "j", url: server.baseURL + "/busy", attempt: 3))
            Issue.record("a 503 must fail")
        } catch {
            #expect(error.reason == "fetch.http.503")
            #expect(error.retryAfter == nil)
        }
        do {
            _ = try await source.document(for: FetchJob(jobID: "j", url: server.baseURL + "/gone"))
            Issue.record("a 410 must fail")
        } catch {
            #expect(error.reason == "fetch.http.410")
            #expect(error.retryAfter == nil)
        }
        do {
            _ = try await source.document(for: FetchJob(jobID: "j", url: "file:///etc/passwd"))
            Issue.record("file:// must be refused")
        } catch {
            #expect(error.reason == "fetch.unsupported-scheme")
        }
        #expect(server.requests.count == 3)
    }

    @Test func inlineBodiesAreServedWithoutFetching() async throws {
        let source = try HTTPDocumentSource(config: config(allowing: 1))
        let document = try await source.document(for: FetchJob(jobID: "j", url: "http://127.0.0.1:9/x", body: Array("hi".utf8), contentType: "text/plain"))
        #expect(document.bytes == Array("hi".utf8))
        #expect(document.contentType == "text/plain")
    }

    @Test func configMapsOntoTheFetcher() throws {
        var config = FeedworkerConfig()
        config.fetch.maxRedirects = 2
        config.fetch.maxAttempts = 7
        config.fetch.backoffBase = .seconds(3)
        config.fetch.guardEnabled = false
        config.fetch.allowlist = ["10.0.0.0/8"]
        let (fetch, policy) = try HTTPDocumentSource.settings(from: config)
        #expect(fetch.maxRedirects == 2)
        #expect(fetch.addressGuard.isEnabled == false)
        #expect(fetch.addressGuard.allowlist.count == 1)
        #expect(fetch.userAgent.contains(config.fetch.contactURL))
        #expect(policy.maxAttempts == 7)
        #expect(policy.baseDelay == .seconds(3))
    }
}
