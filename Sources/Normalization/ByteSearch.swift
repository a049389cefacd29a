#if canImport(Glibc)
import Glibc
#endif

/// Substring search over UTF-8 bytes, shared by the markup scanners (HTML text, XML feeds).
public enum ByteSearch {
    /// Index just past the first occurrence of `needle` at or after `from`, or nil.
    @inlinable @inline(__always)
    public static func find(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ needle: StaticString) -> Int? {
        let m = needle.utf8CodeUnitCount
        let p = needle.utf8Start
        guard m > 0, let base = b.baseAddress else { return nil }
        var i = from
        let n = b.count
        while i + m <= n {
            guard let hit = memchr(base + i, Int32(p[0]), n - i) else { return nil }
            let h = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if h + m > n { return nil }
            var ok = true
            var k = 1
            while k < m { if b[h + k] != p[k] { ok = false; break }; k += 1 }
            if ok { return h + m }
            i = h + 1
        }
        return nil
    }
}
