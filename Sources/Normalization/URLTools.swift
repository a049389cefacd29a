/// URL resolution (RFC 3986 §5) and canonicalization for identity and dedupe.
public enum URLTools {
    /// Parts of an absolute or relative reference.
    public struct Parts: Sendable, Hashable {
        public var scheme: String?
        public var authority: String?
        public var path: String
        public var query: String?
        public var fragment: String?
    }

    /// Splits a reference into its RFC 3986 components (no validation).
    public static func split(_ s: String) -> Parts {
        let u = s.utf8
        var end = u.endIndex
        var fragment: String? = nil
        if let h = u.firstIndex(of: UInt8(ascii: "#")) { fragment = String(s[u.index(after: h)...]); end = h }
        var query: String? = nil
        if let q = u[..<end].firstIndex(of: UInt8(ascii: "?")) { query = String(s[u.index(after: q)..<end]); end = q }
        var start = u.startIndex
        var scheme: String? = nil
        if let c = u[..<end].firstIndex(of: UInt8(ascii: ":")), c != start {
            let cand = u[start..<c]
            if let f = cand.first, (f | 0x20) >= 97, (f | 0x20) <= 122,
               cand.allSatisfy({ b in (b | 0x20 >= 97 && b | 0x20 <= 122) || (b >= 48 && b <= 57) || b == 43 || b == 45 || b == 46 }) {
                scheme = String(s[start..<c]).lowercased(); start = u.index(after: c)
            }
        }
        var authority: String? = nil
        let rest = u[start..<end]
        if rest.count >= 2, rest.first == UInt8(ascii: "/"), rest[rest.index(after: rest.startIndex)] == UInt8(ascii: "/") {
            let aStart = u.index(start, offsetBy: 2)
            let aEnd = u[aStart..<end].firstIndex(of: UInt8(ascii: "/")) ?? end
            authority = String(s[aStart..<aEnd]); start = aEnd
        }
        return Parts(scheme: scheme, authority: authority, path: String(s[start..<end]), query: query, fragment: fragment)
    }

    /// True when `s` starts with `http://` or `https://` and has no dot segments, white space or
    /// backslashes: resolution would return it unchanged.
    static func isPlainAbsoluteHTTP(_ s: String) -> Bool {
        var u = s.utf8.makeIterator()
        let prefix: [UInt8] = Array("http".utf8)
        for p in prefix { guard let c = u.next(), c | 0x20 == p else { return false } }
        guard var c = u.next() else { return false }
        if c | 0x20 == UInt8(ascii: "s") { guard let d = u.next() else { return false }; c = d }
        guard c == UInt8(ascii: ":"), u.next() == UInt8(ascii: "/"), u.next() == UInt8(ascii: "/") else { return false }
        var prev: UInt8 = 0
        var inPath = true
        while let x = u.next() {
            if x == UInt8(ascii: "?") || x == UInt8(ascii: "#") { inPath = false }
            if x <= 0x20 || x == UInt8(ascii: "\\") { return false }
            if inPath && x == UInt8(ascii: ".") && prev == UInt8(ascii: "/") { return false }
            prev = x
        }
        return true
    }

    static func join(_ p: Parts) -> String {
        var s = ""
        if let sc = p.scheme { s += sc + ":" }
        if let a = p.authority { s += "//" + a }
        s += p.path
        if let q = p.query { s += "?" + q }
        if let f = p.fragment { s += "#" + f }
        return s
    }

    /// RFC 3986 §5.2.4 remove_dot_segments, over UTF-8 bytes: segments are split at the byte "/",
    /// not at `Character`s, since "/" followed by a combining mark is one `Character` and a
    /// character-wise split made canonicalize non-idempotent (found by the CI fuzz smoke).
    public static func removeDotSegments(_ path: String) -> String {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        // Fast path: no segment starts with "." → nothing to remove.
        var prev = slash
        var hasDot = false
        for c in path.utf8 {
            if c == dot && prev == slash { hasDot = true; break }
            prev = c
        }
        if !hasDot { return path }
        var bytes = Array(path.utf8)[...]
        let absolute = bytes.first == slash
        if absolute { bytes = bytes.dropFirst() }
        var segs: [ArraySlice<UInt8>] = []
        let parts = bytes.split(separator: slash, omittingEmptySubsequences: false)
        for (idx, seg) in parts.enumerated() {
            let last = idx == parts.count - 1
            if seg.count == 1 && seg.first == dot { if last { segs.append([]) }; continue }
            if seg.count == 2 && seg.allSatisfy({ $0 == dot }) {
                if !segs.isEmpty { segs.removeLast() }
                if last { segs.append([]) }
                continue
            }
            segs.append(seg)
        }
        var out: [UInt8] = absolute ? [slash] : []
        out.reserveCapacity(path.utf8.count)
        for (i, seg) in segs.enumerated() {
            if i > 0 { out.append(slash) }
            out.append(contentsOf: seg)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Resolves `ref` against `base`; nil when `ref` is relative and `base` is not absolute.
    public static func resolve(_ ref: String, against base: String) -> String? {
        if isPlainAbsoluteHTTP(ref) { return ref }
        let trimmed = ref.trimmingASCIIWhitespace()
        let r = split(trimmed)
        if r.scheme != nil {
            var t = r
            t.path = removeDotSegments(r.path)
            return join(t)
        }
        let b = split(base.trimmingASCIIWhitespace())
        guard b.scheme != nil else { return nil }
        var t = Parts(scheme: b.scheme, authority: nil, path: "", query: nil, fragment: r.fragment)
        if r.authority != nil {
            t.authority = r.authority; t.path = removeDotSegments(r.path); t.query = r.query
        } else {
            t.authority = b.authority
            if r.path.isEmpty {
                t.path = b.path; t.query = r.query ?? b.query
            } else {
                if r.path.utf8.first == UInt8(ascii: "/") {
                    t.path = removeDotSegments(r.path)
                } else {
                    var merged: String
                    if b.authority != nil && b.path.isEmpty { merged = "/" + r.path }
                    else if let slash = b.path.utf8.lastIndex(of: UInt8(ascii: "/")) { merged = String(b.path[...slash]) + r.path }
                    else { merged = r.path }
                    merged = removeDotSegments(merged)
                    t.path = merged
                }
                t.query = r.query
            }
        }
        return join(t)
    }

    /// Query parameter names dropped by `canonicalize` (plus every `utm_*`).
    public static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "yclid", "_ga", "_gl",
        "igshid", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt.mc_id", "_hsenc", "_hsmi", "ref_src",
        "cmpid", "s_cid", "ncid", "spm", "share", "ito", "guccounter", "guce_referrer", "guce_referrer_sig",
    ]

    /// Canonical form for identity: lower-case scheme and host, default port, fragment and tracking
    /// parameters dropped, remaining query parameters sorted, empty path → "/". Nil for non-http(s)
    /// or unparsable input.
    public static func canonicalize(_ url: String) -> String? {
        var p = split(url.trimmingASCIIWhitespace())
        guard let scheme = p.scheme, scheme == "http" || scheme == "https", let auth = p.authority, !auth.isEmpty else {
            return nil
        }
        // Drop userinfo, lower-case host, drop default port. Byte-wise: a ":" or "." followed by a
        // combining mark is one `Character`, and character-wise tests saw different hosts on the
        // first and the second call.
        let colonByte = UInt8(ascii: ":"), open = UInt8(ascii: "["), close = UInt8(ascii: "]")
        var a = Array(auth.utf8)[...]
        if let at = a.lastIndex(of: UInt8(ascii: "@")) { a = a[(at + 1)...] }
        // An empty port is the default one ("host:" is "host"); drop every trailing ":" at once so
        // that a malformed "host::" does not lose one colon per call (canonicalize is idempotent).
        while a.last == colonByte { a = a.dropLast() }
        var hostBytes = a
        var port: String? = nil
        if let colon = a.lastIndex(of: colonByte), !a[colon...].contains(close) {
            hostBytes = a[..<colon]; port = String(decoding: a[(colon + 1)...], as: UTF8.self)
        }
        while hostBytes.last == UInt8(ascii: ".") { hostBytes = hostBytes.dropLast() }  // "a.." → "a"
        guard !hostBytes.isEmpty else { return nil }
        // A host is a bracketed IPv6 literal or a name without ":" or brackets (RFC 3986 §3.2.2); any
        // other authority ("a:443:443", "[::1]:1]") is malformed, and trimming it one port per call
        // made canonicalize non-idempotent (found by scripts/fuzz url).
        if hostBytes.first == open {
            guard hostBytes.count >= 2, hostBytes.last == close,
                  !hostBytes.dropFirst().dropLast().contains(where: { $0 == open || $0 == close }) else { return nil }
        } else if hostBytes.contains(where: { $0 == colonByte || $0 == open || $0 == close }) {
            return nil
        }
        var host = String(decoding: hostBytes, as: UTF8.self).lowercased()
        // Lower-casing can end a host in "." again (a combining mark folded away); trim once more.
        while host.utf8.last == UInt8(ascii: ".") { host = String(decoding: host.utf8.dropLast(), as: UTF8.self) }
        guard !host.isEmpty else { return nil }
        if let pt = port, pt.isEmpty || (scheme == "http" && pt == "80") || (scheme == "https" && pt == "443") { port = nil }
        p.authority = port.map { host + ":" + $0 } ?? host
        p.path = p.path.isEmpty ? "/" : removeDotSegments(p.path)
        p.fragment = nil
        if let q = p.query {
            // Split and sorted by bytes: "&" or "=" followed by a combining mark is one `Character`,
            // and `String` ordering treats canonically equivalent spellings as equal (unstable order).
            let kept = Array(q.utf8).split(separator: UInt8(ascii: "&")).filter { item in
                let nameBytes = item.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
                let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
                return !name.isEmpty && !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }.sorted { $0.lexicographicallyPrecedes($1) }
            p.query = kept.isEmpty ? nil : kept.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "&")
        }
        // White space before a dropped fragment ("/a\r#f") or in a dropped last parameter would end
        // the result, and the next call trims it: canonicalize the trimmed form (strictly shorter,
        // so this ends) to stay idempotent. Found by scripts/fuzz url.
        let out = join(p)
        let trimmed = out.trimmingASCIIWhitespace()
        return trimmed == out ? out : canonicalize(trimmed)
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let u = Array(utf8)
        var a = 0, b = u.count
        while a < b, Whitespace.isASCIISpace(u[a]) { a += 1 }
        while b > a, Whitespace.isASCIISpace(u[b - 1]) { b -= 1 }
        if a == 0 && b == u.count { return self }
        return String(decoding: u[a..<b], as: Unicode.UTF8.self)
    }
}
