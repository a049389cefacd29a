// Fuzz target: DateParser.parse (absolute and relative dates).
// Invariant: a parsed date, written as RFC 3339, parses back to the same instant, for instants in
// 1001-01-01...9998-12-31 UTC. (The parser takes local years 1000...9999, so a zone offset or a
// relative date can move the instant outside that range, where RFC3339.format output is not
// re-parsable by design, e.g. 0999-12-31T20:00:00Z.)
import Normalization

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let t = DateParser.parse(bytes, reference: Timestamp(secondsSinceEpoch: 1_714_557_600)) else { return 0 }
    let low = CivilDate.days(year: 1001, month: 1, day: 1) * 86_400, high = CivilDate.days(year: 9998, month: 12, day: 31) * 86_400
    guard t.secondsSinceEpoch >= low, t.secondsSinceEpoch <= high else { return 0 }
    let written = RFC3339.format(t)
    guard let back = DateParser.parse(written), back == t else {
        fatalError("date \(t.secondsSinceEpoch) written as \(written) parses back as \(String(describing: DateParser.parse(written)))")
    }
    return 0
}
