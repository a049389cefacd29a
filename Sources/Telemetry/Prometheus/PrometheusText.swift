/// Renders a ``MetricsSnapshot`` in the Prometheus text exposition format (version 0.0.4).
///
/// Counters become `<name>_total` (type `counter`), gauges keep their name (type `gauge`), histograms
/// become summaries over the whole run: `<name>{quantile="0.5|0.9|0.99|1"}` and `<name>_count`
/// (timers in seconds, named `<name>_seconds`). No `_sum` is exported (HdrHistogram keeps none).
/// Names are sanitized to `[a-zA-Z_:][a-zA-Z0-9_:]*`, label values escaped.
public enum PrometheusText {
    /// The exposition text, ending with a newline.
    public static func render(_ snapshot: MetricsSnapshot) -> String {
        var out = ""
        var lastFamily = ""
        func header(_ family: String, _ type: String) {
            if family != lastFamily {
                out += "# TYPE \(family) \(type)\n"
                lastFamily = family
            }
        }
        for c in snapshot.counters {
            var name = metricName(c.key.label)
            if !name.hasSuffix("_total") { name += "_total" }
            header(name, "counter")
            out += "\(name)\(labels(c.key.dimensions)) \(number(c.total))\n"
        }
        for g in snapshot.gauges {
            let name = metricName(g.key.label)
            header(name, "gauge")
            out += "\(name)\(labels(g.key.dimensions)) \(number(g.value))\n"
        }
        for h in snapshot.histograms {
            var name = metricName(h.key.label)
            let divisor: Double
            switch h.unit {
            case .nanoseconds:
                if !name.hasSuffix("_seconds") { name += "_seconds" }
                divisor = 1e9
            case .raw:
                divisor = 1
            }
            header(name, "summary")
            let s = h.total
            for (q, v) in [("0.5", s.p50), ("0.9", s.p90), ("0.99", s.p99), ("1", s.max)] {
                out += "\(name)\(labels(h.key.dimensions, extra: ("quantile", q))) \(number(Double(v) / divisor))\n"
            }
            out += "\(name)_count\(labels(h.key.dimensions)) \(s.count)\n"
        }
        return out
    }

    static func metricName(_ label: String) -> String {
        var bytes = Array(label.utf8)
        if bytes.isEmpty { return "_" }
        for i in bytes.indices {
            let b = bytes[i]
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: ":")
            let digit = b >= 0x30 && b <= 0x39
            if !(letter || (digit && i > 0)) { bytes[i] = UInt8(ascii: "_") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func labels(_ dimensions: [SeriesKey.Dimension], extra: (String, String)? = nil) -> String {
        var pairs = dimensions.map { (metricName($0.key).replacingColons(), $0.value) }
        if let extra { pairs.append(extra) }
        guard !pairs.isEmpty else { return "" }
        var out = "{"
        for (i, (key, value)) in pairs.enumerated() {
            if i > 0 { out += "," }
            out += key
            out += "=\""
            for ch in value.unicodeScalars {
                switch ch {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(ch)
                }
            }
            out += "\""
        }
        return out + "}"
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension String {
    /// Label names may not contain `:` (metric names may).
    fileprivate func replacingColons() -> String {
        String(decoding: utf8.map { $0 == UInt8(ascii: ":") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}
