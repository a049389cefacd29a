import Normalization
#if canImport(Glibc)
import Glibc
#endif

/// Byte-level helpers for the tolerant XML scanner.
enum XMLScanner {
    /// Index just past the first occurrence of `needle` at or after `from` (``ByteSearch/find(_:from:_:)``).
    @inline(__always)
    static func find(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ needle: StaticString) -> Int? {
        ByteSearch.find(b, from: from, needle)
    }

    /// Index of the next `byte` at or after `from`, or nil.
    @inline(__always)
    static func index(of byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < b.count, let hit = memchr(b.baseAddress! + from, Int32(byte), b.count - from) else { return nil }
        return b.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    @inline(__always) static func isNameByte(_ c: UInt8) -> Bool {
        !(c == 0x20 || (c >= 0x09 && c <= 0x0D) || c == UInt8(ascii: ">") || c == UInt8(ascii: "/") || c == UInt8(ascii: "="))
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

    /// FNV-1a of the lower-cased bytes.
    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = start
        while i < end { h = (h ^ UInt64(lower(b[i]))) &* 0x100_0000_01b3; i += 1 }
        return h
    }

    static func hash(_ s: String) -> UInt64 {
        let a = Array(s.utf8)
        return a.withUnsafeBufferPointer { hash($0, 0, $0.count) }
    }

    /// End of the tag starting at `from` (index of `>`), honouring quoted attribute values.
    @inline(__always)
    static func tagEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var k = from
        let n = b.count
        // Fast path: no quotes before '>'.
        guard let gt = index(of: UInt8(ascii: ">"), in: b, from: from) else { return n }
        var hasQuote = false
        while k < gt { let x = b[k]; if x == 34 || x == 39 { hasQuote = true; break }; k += 1 }
        if !hasQuote { return gt }
        var quote: UInt8 = 0
        k = from
        while k < n {
            let x = b[k]
            if quote != 0 {
                if x == quote { quote = 0 } else if x == UInt8(ascii: "<") && k > from { quote = 0 }  // runaway quote
            } else if x == 34 || x == 39 { quote = x } else if x == 62 { return k }
            k += 1
        }
        return n
    }

    /// XML text value of a raw range: CDATA literal, comments and PIs removed, references decoded.
    static func textValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8] {
        scanValue(b, start, end, decodeReferences: true)
    }

    /// Raw markup of a range for fields that are read as an HTML fragment later (RSS titles):
    /// CDATA sections unwrapped, comments removed, everything else (entity references, literal
    /// child tags) copied as is. Unlike ``textValue(_:_:_:)`` it decodes nothing, so one HTML pass
    /// over the result decodes each reference once and strips only tags that were real markup:
    /// `&lt;/etc/shadow&gt;` stays the text `</etc/shadow>`, while `<b>` or `<![CDATA[<b>]]>` go.
    static func markupValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8] {
        scanValue(b, start, end, decodeReferences: false)
    }

    /// The one scan behind ``textValue(_:_:_:)`` and ``markupValue(_:_:_:)``: CDATA sections
    /// unwrapped, comments removed, the other runs decoded (or copied as they are).
    static func scanValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, decodeReferences: Bool) -> [UInt8] {
        var out: [UInt8] = []
        guard start < end else { return out }
        out.reserveCapacity(end - start)
        let range = UnsafeBufferPointer(rebasing: b[0..<end])
        var i = start, runStart = start
        func flushRun(_ to: Int) {
            guard to > runStart else { return }
            let run = UnsafeBufferPointer(rebasing: b[runStart..<to])
            if decodeReferences { HTMLEntities.decode(run, into: &out) } else { out.append(contentsOf: run) }
        }
        while i < end {
            guard let lt = index(of: UInt8(ascii: "<"), in: range, from: i) else { break }
            if lt + 8 < end, b[lt + 1] == UInt8(ascii: "!"), b[lt + 2] == UInt8(ascii: "["), b[lt + 3] == UInt8(ascii: "C") {
                flushRun(lt)
                let cStart = lt + 9
                let cEndPast = find(range, from: cStart, "]]>")
                let cEnd = cEndPast.map { $0 - 3 } ?? end
                if cEnd > cStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[cStart..<cEnd])) }
                i = cEndPast ?? end
                runStart = i
                continue
            }
            if lt + 3 < end, b[lt + 1] == UInt8(ascii: "!"), b[lt + 2] == 45, b[lt + 3] == 45 {
                flushRun(lt)
                i = find(range, from: lt + 4, "-->") ?? end
                runStart = i
                continue
            }
            i = lt + 1
        }
        flushRun(end)
        return out
    }

    /// Value of attribute `name` (lower-case ASCII, qualified) in the tag bytes [start, end).
    static func attribute(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ name: StaticString) -> [UInt8]? {
        let m = name.utf8CodeUnitCount
        let p = name.utf8Start
        var i = start
        while i < end {
            // skip white space
            while i < end, !isNameByte(b[i]) || b[i] == UInt8(ascii: "/") { i += 1 }
            let ns = i
            while i < end, isNameByte(b[i]) { i += 1 }
            let ne = i
            while i < end, Whitespace.isASCIISpace(b[i]) { i += 1 }
            var vs = i, ve = i
            if i < end, b[i] == UInt8(ascii: "=") {
                i += 1
                while i < end, Whitespace.isASCIISpace(b[i]) { i += 1 }
                if i < end, b[i] == 34 || b[i] == 39 {
                    let q = b[i]
                    vs = i + 1
                    i = vs
                    while i < end, b[i] != q { i += 1 }
                    ve = i
                    if i < end { i += 1 }
                } else {
                    vs = i
                    while i < end, !Whitespace.isASCIISpace(b[i]), b[i] != UInt8(ascii: ">") { i += 1 }
                    ve = i
                }
            }
            if ne - ns == m {
                var ok = true
                for k in 0..<m where lower(b[ns + k]) != p[k] { ok = false; break }
                if ok {
                    var out: [UInt8] = []
                    HTMLEntities.decode(UnsafeBufferPointer(rebasing: b[vs..<ve]), into: &out)
                    return out
                }
            }
            if ne == ns && i < end && vs == ve { i += 1 }
        }
        return nil
    }
}
