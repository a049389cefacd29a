/// The metrics line for people: what moved and the few gauges and latencies worth a glance, in a
/// line short enough to read in `journalctl` (the complete series stay in the JSON line and the
/// Prometheus endpoint, see ``MetricsReporter/View``).
///
/// Names drop ``labelPrefix`` and a `_total` suffix, and append dimension values with dots:
/// `feedworker_dlq_total{reason:not_json}` → `dlq.not_json`.
/// - Counters: only those that moved (periodic lines: in the interval; final line: since start).
///   One series → `name=<count>`; a label with dimensions → `name=<sum>` and `name.<value>=<count>`
///   for each series that moved. Labels in ``rates`` also get `name_per_s`. Labels in
///   ``leadingCounters`` come first, in that order; the others follow by label.
/// - Gauges: the labels in ``gauges``, every series, zero included (a lag of 0 is news too).
/// - Histograms: the labels in ``histograms`` that have samples: `name.p50_ms` and `name.p99_ms`
///   (timers; `.p50`/`.p99` for raw values), over the interval or, on the final line, the run.
/// - `rss_mb` when the reporter includes process stats.
public struct MetricsSummary: Sendable, Equatable {
    /// Removed from the front of every label (e.g. `feedworker_`).
    public var labelPrefix: String
    /// Counter labels written first, in this order (when they moved).
    public var leadingCounters: [String]
    /// Counter labels that also get a per-second rate.
    public var rates: [String]
    /// Gauge labels shown.
    public var gauges: [String]
    /// Histogram and timer labels shown as p50/p99.
    public var histograms: [String]

    /// Creates a summary selection (labels are full labels, prefix included).
    public init(labelPrefix: String = "", leadingCounters: [String] = [], rates: [String] = [],
                gauges: [String] = [], histograms: [String] = []) {
        self.labelPrefix = labelPrefix
        self.leadingCounters = leadingCounters
        self.rates = rates
        self.gauges = gauges
        self.histograms = histograms
    }

    /// The fields of one summary line (without `ts`): `msg=metrics`, `final=true` on the shutdown
    /// line, `interval_s` or `uptime_s`, then the metrics as described on the type.
    public func fields(for snapshot: MetricsSnapshot, final: Bool, residentBytes: Int64? = nil) -> [LineField] {
        var fields: [LineField] = [LineField("msg", .string("metrics"))]
        let seconds = final ? snapshot.uptime.seconds : snapshot.elapsed.seconds
        if final { fields.append(LineField("final", .bool(true))) }
        fields.append(LineField(final ? "uptime_s" : "interval_s", .double(MetricsLine.round3(seconds))))
        let rateBase = seconds > 0 ? seconds : 1

        var groups = MetricsLine.grouped(snapshot.counters, by: \.key.label)
        groups.sort { a, b in
            let ia = leadingCounters.firstIndex(of: a[0].key.label) ?? Int.max
            let ib = leadingCounters.firstIndex(of: b[0].key.label) ?? Int.max
            return ia != ib ? ia < ib : a[0].key.label < b[0].key.label
        }
        for group in groups {
            let moved = group.filter { (final ? $0.total : $0.delta) != 0 }
            guard !moved.isEmpty else { continue }
            let label = group[0].key.label
            let name = shortName(label, counter: true)
            let sum = moved.reduce(0) { $0 + (final ? $1.total : $1.delta) }
            fields.append(LineField(name, MetricsLine.number(sum)))
            if rates.contains(label) {
                fields.append(LineField(name + "_per_s", .double(MetricsLine.round3(sum / rateBase))))
            }
            for c in moved where !c.key.dimensions.isEmpty {
                fields.append(LineField(seriesName(name, c.key), MetricsLine.number(final ? c.total : c.delta)))
            }
        }
        for label in gauges {
            for g in snapshot.gauges where g.key.label == label {
                fields.append(LineField(seriesName(shortName(label, counter: false), g.key), MetricsLine.number(g.value)))
            }
        }
        for label in histograms {
            for h in snapshot.histograms where h.key.label == label {
                let s = final ? h.total : h.interval
                guard s.count > 0 else { continue }
                let name = seriesName(shortName(label, counter: false), h.key)
                switch h.unit {
                case .nanoseconds:
                    fields.append(LineField(name + ".p50_ms", .double(MetricsLine.millis(s.p50))))
                    fields.append(LineField(name + ".p99_ms", .double(MetricsLine.millis(s.p99))))
                case .raw:
                    fields.append(LineField(name + ".p50", .int(Int64(clamping: s.p50))))
                    fields.append(LineField(name + ".p99", .int(Int64(clamping: s.p99))))
                }
            }
        }
        if let residentBytes {
            fields.append(LineField("rss_mb", .int(residentBytes / (1 << 20))))
        }
        return fields
    }

    func shortName(_ label: String, counter: Bool) -> String {
        var name = Substring(label)
        if !labelPrefix.isEmpty, name.hasPrefix(labelPrefix), name.count > labelPrefix.count { name = name.dropFirst(labelPrefix.count) }
        if counter, name.hasSuffix("_total"), name.count > 6 { name = name.dropLast(6) }
        return String(name)
    }

    func seriesName(_ name: String, _ key: SeriesKey) -> String {
        guard !key.dimensions.isEmpty else { return name }
        return ([name] + key.dimensions.map { SeriesKey.sanitize($0.value) }).joined(separator: ".")
    }
}
