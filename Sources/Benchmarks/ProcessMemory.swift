import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `VmRSS` and `VmHWM` of this process, in KiB, from /proc/self/status.
struct MemoryStatus: Sendable, Equatable {
    /// Resident set size now (`VmRSS`), in KiB; 0 where the field is missing.
    var rssKB: Int
    /// Peak resident set size (`VmHWM`, the high-water mark), in KiB; 0 where the field is missing.
    var hwmKB: Int

    /// Both figures zero.
    static let zero = MemoryStatus(rssKB: 0, hwmKB: 0)

    /// The process's current figures (zero where /proc/self/status cannot be read).
    static func read() -> MemoryStatus { readIfAvailable() ?? .zero }

    /// The process's current figures, or nil where /proc/self/status cannot be read.
    static func readIfAvailable() -> MemoryStatus? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        var s = MemoryStatus.zero
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let v = Int(parts[1]) else { continue }
            if parts[0] == "VmRSS:" { s.rssKB = v } else if parts[0] == "VmHWM:" { s.hwmKB = v }
        }
        return s
    }

    /// Returns freed heap pages to the kernel (`malloc_trim`), then resets the kernel's high-water
    /// mark to the current RSS (`/proc/self/clear_refs`, value 5), so that the next `hwmKB` is the peak
    /// of what runs from now on. Returns the RSS after the reset, in KiB (0 where unavailable).
    static func resetPeak() -> Int {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return read().rssKB
    }
}

#if os(Linux)
/// glibc's `malloc_trim(size_t)`: gives freed heap pages back to the kernel, so that the next document's
/// allocations show in the RSS high-water mark instead of reusing pages already resident.
@_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
