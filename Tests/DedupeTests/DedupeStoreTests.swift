import Foundation
import Testing
@testable import Dedupe

private func hash(_ n: UInt64) -> ContentHash { ContentHash(w0: n, w1: ~n, w2: n &* 31, w3: 7) }

private func tempDirectory() -> String {
    let dir = NSTemporaryDirectory() + "dedupe-tests-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct ContentHashTests {
    @Test func hexRoundTrip() throws {
        let hex = "00ff10ab" + String(repeating: "0123456789abcdef", count: 3) + "cafe0001"
        let h = try #require(ContentHash(hex: hex))
        #expect(h.hex == hex)
        #expect(h.bytes.count == 32)
        #expect(h.bytes[0] == 0x00 && h.bytes[1] == 0xFF && h.bytes[31] == 0x01)
        #expect(ContentHash(bytes: h.bytes) == h)
        #expect(ContentHash(hex: hex.uppercased()) == h)
    }

    @Test(arguments: ["", "abc", String(repeating: "g", count: 64), String(repeating: "a", count: 63)])
    func rejectsBadHex(_ s: String) {
        #expect(ContentHash(hex: s) == nil)
    }
}

@Suite struct DedupeStoreTests {
    @Test func firstSightThenSeen() throws {
        let dir = tempDirectory()
        let store = try DedupeStore(directory: dir, name: "cand", partition: 3, batchSize: 4)
        #expect(store.appliedOffset == 0)
        #expect(try store.firstSight(hash(1)))
        try store.record(hash(1), eventTime: 100, cleanOffset: 0)
        #expect(try !store.firstSight(hash(1)), "uncommitted records are visible to lookups")
        #expect(try store.firstSight(hash(2)))
        #expect(store.appliedOffset == 1)
        #expect(store.path.hasSuffix("cand-3.sqlite"))
    }

    @Test func persistsRecordsAndAppliedOffsetAcrossReopen() throws {
        let dir = tempDirectory()
        do {
            let store = try DedupeStore(directory: dir, name: "cand", partition: 0, batchSize: 3)
            for i in 0..<10 { try store.record(hash(UInt64(i)), eventTime: 100, cleanOffset: Int64(i) * 2) }
            try store.flush()
            store.close()
        }
        let again = try DedupeStore(directory: dir, name: "cand", partition: 0)
        #expect(again.appliedOffset == 19)
        #expect(try again.count() == 10)
        #expect(try !again.firstSight(hash(9)))
        #expect(try again.firstSight(hash(10)))
    }

    @Test func unflushedBatchIsLostButOffsetStaysConsistent() throws {
        let dir = tempDirectory()
        do {
            let store = try DedupeStore(directory: dir, name: "c", partition: 1, batchSize: 1000)
            try store.record(hash(1), eventTime: 1, cleanOffset: 0)
            try store.flush()
            try store.record(hash(2), eventTime: 1, cleanOffset: 1)
            // Simulate a crash: drop the connection without committing.
            // (close() would commit, so reopen a second connection while the first holds the batch.)
            let other = try DedupeStore(directory: dir, name: "c", partition: 1)
            #expect(other.appliedOffset == 1, "a reader sees only the committed batch and its offset")
            #expect(try other.firstSight(hash(2)))
            other.close()
        }
    }

    @Test func partitionsAreSeparateFiles() throws {
        let dir = tempDirectory()
        let a = try DedupeStore(directory: dir, name: "c", partition: 0)
        let b = try DedupeStore(directory: dir, name: "c", partition: 1)
        try a.record(hash(5), eventTime: 1, cleanOffset: 0)
        #expect(try b.firstSight(hash(5)))
        a.close()
        DedupeStore.remove(directory: dir, name: "c", partition: 0)
        #expect(!FileManager.default.fileExists(atPath: a.path))
        let fresh = try DedupeStore(directory: dir, name: "c", partition: 0)
        #expect(fresh.appliedOffset == 0)
        #expect(try fresh.firstSight(hash(5)))
    }

    @Test func purgeForgetsOldHashesOnly() throws {
        let dir = tempDirectory()
        let store = try DedupeStore(directory: dir, name: "c", partition: 0)
        try store.record(hash(1), eventTime: 1_000, cleanOffset: 0)
        try store.record(hash(2), eventTime: 2_000, cleanOffset: 1)
        try store.record(hash(3), eventTime: 3_000, cleanOffset: 2)
        #expect(try store.purge(olderThan: 2_500) == 2)
        #expect(try store.firstSight(hash(1)))
        #expect(try store.firstSight(hash(2)))
        #expect(try !store.firstSight(hash(3)))
        #expect(store.appliedOffset == 3, "purge does not move the applied offset back")
    }

    @Test func recordingAKnownHashOnlyAdvancesTheOffset() throws {
        let dir = tempDirectory()
        let store = try DedupeStore(directory: dir, name: "c", partition: 0)
        try store.record(hash(1), eventTime: 1, cleanOffset: 4)
        try store.record(hash(1), eventTime: 1, cleanOffset: 9)
        #expect(try store.count() == 1)
        #expect(store.appliedOffset == 10)
        store.advance(to: 3)
        #expect(store.appliedOffset == 10)
    }

    @Test func unwritableDirectoryIsATypedError() {
        #expect(throws: DedupeError.self) {
            _ = try DedupeStore(directory: "/proc/no-such-dir/x", name: "c", partition: 0)
        }
    }
}
