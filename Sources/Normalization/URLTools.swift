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
        var rest = Substring(s)
        var fragment: String? = nil
        if let h = rest.firstIndex(of: "#") { fragment = String(rest[rest.index(after: h)...]); rest = rest[..<h] }
        var query: String? = nil
        if let q = rest.firstIndex(of: "?") { query = String(rest[rest.index(after: q)...]); rest = rest[..<q] }
        var scheme: String? = nil
        if let c = rest.firstIndex(of: ":"), c != rest.startIndex {
            let cand = rest[..<c]
            if let f = cand.first, f.isASCII, f.isLetter,
               cand.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
                scheme = String(cand).lowercased(); rest = rest[rest.index(after: c)...]
            }
        }
        var authority: String? = nil
        if rest.hasPrefix("//") {
            let a = rest.dropFirst(2)
            let end = a.firstIndex(of: "/") ?? a.endIndex
            authority = String(a[..<end]); rest = a[end...]
        }
        return Parts(scheme: scheme, authority: authority, path: String(rest), query: query, fragment: fragment)
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

    /// RFC 3986 §5.2.4 remove_dot_segments.
    public static func removeDotSegments(_ path: String) -> String {
        var input = Substring(path)
        var output: [Substring] = []
        var out = ""
        _ = output
        // Operate segment-wise.
        let absolute = input.hasPrefix("/")
        if absolute { input = input.dropFirst() }
        var segs: [Substring] = []
        let parts = input.split(separator: "/", omittingEmptySubsequences: false)
        for (idx, seg) in parts.enumerated() {
            let last = idx == parts.count - 1
            if seg == "." { if last { segs.append("") }; continue }
            if seg == ".." {
                if !segs.isEmpty { segs.removeLast() }
                if last { segs.append("") }
                continue
            }
            segs.append(seg)
        }
        output = segs
        out = (absolute ? "/" : "") + segs.joined(separator: "/")
        return out
    }

    /// Resolves `ref` against `base`; nil when `ref` is relative and `base` is not absolute.
    public static func resolve(_ ref: String, against base: String) -> String? {
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
                if r.path.hasPrefix("/") {
                    t.path = removeDotSegments(r.path)
                } else {
                    var merged: String
                    if b.authority != nil && b.path.isEmpty { merged = "/" + r.path }
                    else if let slash = b.path.lastIndex(of: "/") { merged = String(b.path[...slash]) + r.path }
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
        guard let scheme = p.scheme, scheme == "http" || scheme == "https", var auth = p.authority, !auth.isEmpty else {
            return nil
        }
        // Drop userinfo, lower-case host, drop default port.
        if let at = auth.lastIndex(of: "@") { auth = String(auth[auth.index(after: at)...]) }
        var host = auth
        var port: String? = nil
        if let colon = auth.lastIndex(of: ":"), !auth[colon...].contains("]") {
            host = String(auth[..<colon]); port = String(auth[auth.index(after: colon)...])
        }
        host = host.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { return nil }
        if let pt = port, pt.isEmpty || (scheme == "http" && pt == "80") || (scheme == "https" && pt == "443") { port = nil }
        p.authority = port.map { host + ":" + $0 } ?? host
        p.path = p.path.isEmpty ? "/" : removeDotSegments(p.path)
        p.fragment = nil
        if let q = p.query {
            let kept = q.split(separator: "&").filter { item in
                let name = (item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "").lowercased()
                return !name.isEmpty && !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }.map(String.init).sorted()
            p.query = kept.isEmpty ? nil : kept.joined(separator: "&")
        }
        return join(p)
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
