#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address in network byte order.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 bytes for IPv6.
    public let bytes: [UInt8]

    /// Wraps 4 or 16 address bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a textual address: dotted IPv4 (`10.0.0.1`), IPv6 (`::1`, `::ffff:10.0.0.1`), optionally in
    /// brackets (`[::1]`) and with a zone (`fe80::1%eth0`). Returns nil for a host name.
    public init?(_ text: some StringProtocol) {
        var host = String(text)
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let percent = host.firstIndex(of: "%") { host = String(host[..<percent]) }
        if host.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, host, &storage) == 1 else { return nil }
            self.bytes = withUnsafeBytes(of: &storage) { Array($0) }
        } else {
            var storage = in_addr()
            guard inet_pton(AF_INET, host, &storage) == 1 else { return nil }
            self.bytes = withUnsafeBytes(of: &storage) { Array($0) }
        }
    }

    /// Parses an IPv4 address in any form the C resolver accepts (`127.1`, `0x7f000001`, `2130706433`):
    /// host names made only of such numbers reach the loopback without looking like `127.0.0.1`.
    public static func lenientIPv4(_ text: String) -> IPAddress? {
        guard !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x78 || $0 == 0x58
            || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }) else { return nil }
        var storage = in_addr()
        guard inet_aton(text, &storage) != 0 else { return nil }
        return IPAddress(bytes: withUnsafeBytes(of: &storage) { Array($0) })
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address carried in the last four bytes of an IPv6 address.
    var lastFourAsIPv4: IPAddress { IPAddress(bytes: Array(bytes[12..<16]))! }

    /// The IPv4 form of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else nil.
    public var unmappedIPv4: IPAddress? {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return nil }
        return lastFourAsIPv4
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var storage = in6_addr()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
        guard inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A CIDR range such as `10.0.0.0/8` or `fc00::/7`.
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the range (host bits cleared).
    public let network: IPAddress
    /// The number of leading bits that must match.
    public let prefixLength: Int

    /// A range from an address and a prefix length (host bits are cleared).
    public init(_ address: IPAddress, prefixLength: Int) {
        let length = max(0, min(prefixLength, address.bytes.count * 8))
        var bytes = address.bytes
        for index in bytes.indices {
            let bitsHere = max(0, min(8, length - index * 8))
            bytes[index] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
        }
        self.network = IPAddress(bytes: bytes)!
        self.prefixLength = length
    }

    /// Parses `a.b.c.d/n`, `v6/n`, or a bare address (a single-address range).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        var length = address.bytes.count * 8
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed >= 0, parsed <= length else { return nil }
            length = parsed
        }
        self.init(address, prefixLength: length)
    }

    /// Whether `address` lies in the range. An IPv4 range also matches the IPv4-mapped IPv6 form.
    public func contains(_ address: IPAddress) -> Bool {
        var candidate = address
        if network.isIPv4, !address.isIPv4, let unmapped = address.unmappedIPv4 { candidate = unmapped }
        guard candidate.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for index in network.bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if candidate.bytes[index] & mask != network.bytes[index] { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }
}
