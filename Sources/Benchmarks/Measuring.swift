import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time of the calling thread, in seconds (what "per core" means when other processes share
/// the machine).
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The outcome of ``measureThroughput(seconds:_:)``.
struct Throughput: Sendable, Equatable {
    /// Megabytes (10^6 bytes) per second of wall time.
    var mbPerSecond: Double
    /// Complete passes run.
    var passes: Int
    /// Megabytes per second of the calling thread's CPU time.
    var mbPerCPUSecond: Double = 0
}

/// Runs `pass` (which returns the bytes it went through) repeatedly for `seconds` of wall time, at
/// least once. Reports MB per wall second and MB per second of this thread's CPU time (the one-core
/// figure; robust to other load on the machine).
func measureThroughput(seconds: Double, _ pass: () -> Int) -> Throughput {
    let clock = ContinuousClock()
    let start = clock.now
    let cpuStart = threadCPUSeconds()
    var bytes = 0, passes = 0
    repeat {
        bytes += pass(); passes += 1
    } while clock.now - start < .milliseconds(Int64(seconds * 1000))
    let elapsed = clock.now - start
    let cpu = threadCPUSeconds() - cpuStart
    return Throughput(mbPerSecond: Double(bytes) / 1e6 / elapsed.inSeconds, passes: passes, mbPerCPUSecond: Double(bytes) / 1e6 / max(cpu, 1e-9))
}

/// Counts the occurrences of `byte` in `bytes` with `memchr` (the bare-scan baseline).
func countByte(_ bytes: [UInt8], _ byte: Int32) -> Int {
    bytes.withUnsafeBufferPointer { buf -> Int in
        guard var cur = buf.baseAddress else { return 0 }
        let end = cur + buf.count
        var c = 0
        while cur < end, let f = memchr(cur, byte, end - cur) {
            c += 1
            cur = UnsafePointer(f.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return c
    }
}

/// A small deterministic generator for benchmark inputs.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
