#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process figures the reporter samples itself (Linux `/proc`; `nil` elsewhere or on error).
public enum ProcessStats {
    /// Resident set size in bytes, from the second field of `/proc/self/statm` (pages) times the page size.
    public static func residentBytes() -> Int64? {
        guard let text = readSmallFile("/proc/self/statm") else { return nil }
        var fields = 0
        var value: Int64 = 0
        var inNumber = false
        for byte in text {
            if byte >= 0x30 && byte <= 0x39 {
                if !inNumber { inNumber = true; fields += 1; value = 0 }
                value = value &* 10 &+ Int64(byte - 0x30)
            } else {
                if inNumber && fields == 2 { break }
                inNumber = false
            }
        }
        guard fields >= 2 else { return nil }
        return value * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Number of open file descriptors (entries of `/proc/self/fd`, minus the one used to list it).
    public static func openFileDescriptors() -> Int? {
        guard let dir = opendir("/proc/self/fd") else { return nil }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Bool in
                raw[0] == UInt8(ascii: ".") && (raw[1] == 0 || (raw[1] == UInt8(ascii: ".") && raw[2] == 0))
            }
            if !isDot { count += 1 }
        }
        return max(0, count - 1)
    }

    static func readSmallFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        return Array(buffer[0..<n])
    }
}
