/// Turns a ``MetricsSnapshot`` into the fields of one metrics line.
///
/// Keys (series names are `label` or `label{k:v,…}`, see ``SeriesKey/description``):
/// - `msg=metrics`, `final` (true on the shutdown line), `interval_s` (periodic lines) or `uptime_s`.
/// - Counters: `<series>.total` and `<series>.rate` (per second: over the interval on periodic lines,
///   over the whole run on the final line). A label with several series also gets `<label>{all}.total` and
///   `<label>{all}.rate` (sums).
/// - Gauges: `<series>=<last value>`; a label with several series also gets `<label>{all}.sum` and
///   `<label>{all}.max` (e.g. consumer lag per partition → total lag and worst partition).
/// - Histograms: `<series>.count`, `.p50`, `.p90`, `.p99`, `.max` (timers: `.p50_ms` … in milliseconds).
///   Periodic lines summarise the interval; the final line summarises the whole run.
/// - Labels with more than `maxSeriesPerLabel` series are written only as their `{all}` aggregates plus
///   `<label>{all}.series` (the number of series), to keep lines bounded.
public enum MetricsLine {
    /// Builds the fields (without `ts`; the writer adds it first).
    public static func fields(
        for snapshot: MetricsSnapshot,
        final: Bool,
        maxSeriesPerLabel: Int = 32
    ) -> [LineField] {
        var fields: [LineField] = [LineField("msg", .string("metrics")), LineField("final", .bool(final))]
        let seconds = final ? snapshot.uptime.seconds : snapshot.elapsed.seconds
        fields.append(LineField(final ? "uptime_s" : "interval_s", .double(round3(seconds))))
        let rateBase = seconds > 0 ? seconds : 1

        for group in grouped(snapshot.counters, by: \.key.label) {
            let showSeries = group.count <= maxSeriesPerLabel
            if showSeries {
                for c in group {
                    fields.append(LineField("\(c.key).total", number(c.total)))
                    fields.append(LineField("\(c.key).rate", .double(round3((final ? c.total : c.delta) / rateBase))))
                }
            }
            if group.count > 1 || !showSeries {
                let total = group.reduce(0) { $0 + $1.total }
                let delta = group.reduce(0) { $0 + $1.delta }
                let label = group[0].key.label
                fields.append(LineField("\(label){all}.total", number(total)))
                fields.append(LineField("\(label){all}.rate", .double(round3((final ? total : delta) / rateBase))))
                if !showSeries { fields.append(LineField("\(label){all}.series", .int(Int64(group.count)))) }
            }
        }
        for group in grouped(snapshot.gauges, by: \.key.label) {
            let showSeries = group.count <= maxSeriesPerLabel
            if showSeries {
                for g in group { fields.append(LineField(g.key.description, number(g.value))) }
            }
            if group.count > 1 || !showSeries {
                let label = group[0].key.label
                fields.append(LineField("\(label){all}.sum", number(group.reduce(0) { $0 + $1.value })))
                fields.append(LineField("\(label){all}.max", number(group.map(\.value).max() ?? 0)))
                if !showSeries { fields.append(LineField("\(label){all}.series", .int(Int64(group.count)))) }
            }
        }
        for h in snapshot.histograms {
            let s = final ? h.total : h.interval
            let name = h.key.description
            fields.append(LineField("\(name).count", .int(Int64(clamping: s.count))))
            switch h.unit {
            case .nanoseconds:
                fields.append(LineField("\(name).p50_ms", .double(millis(s.p50))))
                fields.append(LineField("\(name).p90_ms", .double(millis(s.p90))))
                fields.append(LineField("\(name).p99_ms", .double(millis(s.p99))))
                fields.append(LineField("\(name).max_ms", .double(millis(s.max))))
            case .raw:
                fields.append(LineField("\(name).p50", .int(Int64(clamping: s.p50))))
                fields.append(LineField("\(name).p90", .int(Int64(clamping: s.p90))))
                fields.append(LineField("\(name).p99", .int(Int64(clamping: s.p99))))
                fields.append(LineField("\(name).max", .int(Int64(clamping: s.max))))
            }
        }
        return fields
    }

    static func grouped<T>(_ items: [T], by label: (T) -> String) -> [[T]] {
        var groups: [[T]] = []
        for item in items {
            if let last = groups.last?.last, label(last) == label(item) {
                groups[groups.count - 1].append(item)
            } else {
                groups.append([item])
            }
        }
        return groups
    }

    static func number(_ value: Double) -> LineValue {
        if value == value.rounded(), abs(value) < 9e15 { return .int(Int64(value)) }
        return .double(round3(value))
    }

    static func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    static func millis(_ nanoseconds: UInt64) -> Double { round3(Double(nanoseconds) / 1e6) }
}
