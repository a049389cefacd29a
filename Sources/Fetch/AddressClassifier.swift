/// What kind of address an IP address is, for the SSRF guard.
public enum AddressCategory: String, Sendable, CaseIterable {
    /// A globally routable unicast address: the only kind fetched by default.
    case publicUnicast = "public"
    /// 127.0.0.0/8, ::1.
    case loopback
    /// 10/8, 172.16/12, 192.168/16, fc00::/7 (unique local), fec0::/10 (old site-local), 64:ff9b:1::/48.
    case privateNetwork = "private"
    /// 100.64.0.0/10 (carrier-grade NAT).
    case sharedAddressSpace = "cgnat"
    /// 169.254.0.0/16 (includes cloud metadata 169.254.169.254), fe80::/10.
    case linkLocal = "link-local"
    /// 224.0.0.0/4, ff00::/8.
    case multicast
    /// 0.0.0.0/8, ::.
    case unspecified
    /// 255.255.255.255.
    case broadcast
    /// IETF reserved, documentation, benchmarking, 240/4, Teredo, discard-only and similar ranges.
    case reserved

    /// Whether the guard refuses this category unless an allowlist opens it.
    public var isForbiddenByDefault: Bool { self != .publicUnicast }
}

/// Classifies IP addresses into `AddressCategory` (pure function; no network access).
///
/// IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`,
/// SIIT `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::`) are classified by the
/// IPv4 address they carry, so `::ffff:127.0.0.1` is loopback and `64:ff9b::a9fe:a9fe` is link-local.
public enum AddressClassifier {
    private static let ipv4Table: [(AddressRange, AddressCategory)] = ([
        ("255.255.255.255/32", .broadcast),
        ("0.0.0.0/8", .unspecified),
        ("10.0.0.0/8", .privateNetwork),
        ("100.64.0.0/10", .sharedAddressSpace),
        ("127.0.0.0/8", .loopback),
        ("169.254.0.0/16", .linkLocal),
        ("172.16.0.0/12", .privateNetwork),
        ("192.0.0.0/24", .reserved),      // IETF protocol assignments
        ("192.0.2.0/24", .reserved),      // TEST-NET-1
        ("192.88.99.0/24", .reserved),    // 6to4 relay anycast (deprecated)
        ("192.168.0.0/16", .privateNetwork),
        ("198.18.0.0/15", .reserved),     // benchmarking
        ("198.51.100.0/24", .reserved),   // TEST-NET-2
        ("203.0.113.0/24", .reserved),    // TEST-NET-3
        ("224.0.0.0/4", .multicast),
        ("240.0.0.0/4", .reserved),
    ] as [(String, AddressCategory)]).map { (AddressRange($0.0)!, $0.1) }

    private static let ipv6Table: [(AddressRange, AddressCategory)] = ([
        ("::/128", .unspecified),
        ("::1/128", .loopback),
        ("64:ff9b:1::/48", .privateNetwork), // local-use NAT64
        ("100::/64", .reserved),              // discard-only
        ("2001::/32", .reserved),             // Teredo (embeds an obfuscated IPv4 address)
        ("2001:db8::/32", .reserved),         // documentation
        ("2001:10::/28", .reserved),          // ORCHID
        ("fc00::/7", .privateNetwork),
        ("fe80::/10", .linkLocal),
        ("fec0::/10", .privateNetwork),       // site-local (deprecated)
        ("ff00::/8", .multicast),
    ] as [(String, AddressCategory)]).map { (AddressRange($0.0)!, $0.1) }

    private static let embeddingPrefixes: [AddressRange] = [
        AddressRange("::ffff:0:0/96")!,       // IPv4-mapped
        AddressRange("::/96")!,               // IPv4-compatible (deprecated)
        AddressRange("::ffff:0:0:0/96")!,     // SIIT IPv4-translated
        AddressRange("64:ff9b::/96")!,        // NAT64 well-known prefix
    ]

    /// The category of `address`.
    public static func classify(_ address: IPAddress) -> AddressCategory {
        if address.isIPv4 {
            for (range, category) in ipv4Table where range.contains(address) { return category }
            return .publicUnicast
        }
        for (range, category) in ipv6Table where range.contains(address) { return category }
        if let embedded = embeddedIPv4(in: address) { return classify(embedded) }
        return .publicUnicast
    }

    /// The IPv4 address an IPv6 address carries by a standard embedding, if any.
    public static func embeddedIPv4(in address: IPAddress) -> IPAddress? {
        guard !address.isIPv4 else { return nil }
        for prefix in embeddingPrefixes where prefix.contains(address) { return address.lastFourAsIPv4 }
        if address.bytes[0] == 0x20, address.bytes[1] == 0x02 { // 6to4: 2002:AABB:CCDD::/48
            return IPAddress(bytes: Array(address.bytes[2..<6]))
        }
        return nil
    }
}
