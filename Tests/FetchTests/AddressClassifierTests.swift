import Testing
@testable import Fetch

/// The classifier and guard on address values only: nothing here opens a socket.
@Suite struct AddressClassifierTests {
    private func category(_ text: String) throws -> AddressCategory {
        AddressClassifier.classify(try #require(IPAddress(text), "parse \(text)"))
    }

    @Test(arguments: [
        ("10.0.0.1", AddressCategory.privateNetwork), ("10.255.255.255", .privateNetwork),
        ("172.16.0.1", .privateNetwork), ("172.31.255.254", .privateNetwork),
        ("192.168.1.1", .privateNetwork), ("192.168.255.255", .privateNetwork),
        ("127.0.0.1", .loopback), ("127.255.0.9", .loopback),
        ("169.254.169.254", .linkLocal), ("169.254.0.1", .linkLocal),
        ("100.64.0.1", .sharedAddressSpace), ("100.127.255.254", .sharedAddressSpace),
        ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast),
        ("255.255.255.255", .broadcast),
        ("240.0.0.1", .reserved), ("192.0.2.10", .reserved), ("198.51.100.7", .reserved),
        ("203.0.113.9", .reserved), ("198.18.0.1", .reserved), ("192.0.0.8", .reserved),
    ])
    func forbiddenIPv4(_ text: String, _ expected: AddressCategory) throws {
        #expect(try category(text) == expected)
        #expect(expected.isForbiddenByDefault)
    }

    @Test(arguments: [
        ("::1", AddressCategory.loopback), ("::", .unspecified),
        ("fc00::1", .privateNetwork), ("fd12:3456:789a::1", .privateNetwork),
        ("fe80::1", .linkLocal), ("febf:ffff::1", .linkLocal),
        ("ff02::1", .multicast), ("ff0e::fb", .multicast),
        ("fec0::1", .privateNetwork),
        ("2001:db8::1", .reserved), ("2001:0:4136:e378::1", .reserved), ("100::1", .reserved),
        // IPv4 embedded in IPv6 takes the IPv4 address's category.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:10.1.2.3", .privateNetwork),
        ("::ffff:169.254.169.254", .linkLocal), ("::ffff:192.168.0.1", .privateNetwork),
        ("::ffff:0.0.0.0", .unspecified), ("::ffff:100.64.1.1", .sharedAddressSpace),
        ("::127.0.0.1", .loopback), ("::ffff:0:10.0.0.1", .privateNetwork),
        ("64:ff9b::a9fe:a9fe", .linkLocal), ("64:ff9b::7f00:1", .loopback),
        ("2002:7f00:0001::1", .loopback), ("2002:c0a8:0101::1", .privateNetwork),
    ])
    func forbiddenIPv6(_ text: String, _ expected: AddressCategory) throws {
        #expect(try category(text) == expected)
    }

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "11.0.0.1",
                      "192.169.0.1", "2606:4700::1111", "2a00:1450:4007::200e", "::ffff:8.8.8.8", "2002:0808:0808::1",
                      "64:ff9b::808:808"])
    func publicAddresses(_ text: String) throws {
        #expect(try category(text) == .publicUnicast)
    }

    @Test func rangeBoundaries() throws {
        let range = try #require(AddressRange("172.16.0.0/12"))
        #expect(range.contains(IPAddress("172.16.0.0")!))
        #expect(range.contains(IPAddress("172.31.255.255")!))
        #expect(!range.contains(IPAddress("172.32.0.0")!))
        #expect(!range.contains(IPAddress("172.15.255.255")!))
        #expect(range.contains(IPAddress("::ffff:172.20.0.1")!), "IPv4 ranges match the mapped form")
        let v6 = try #require(AddressRange("fc00::/7"))
        #expect(v6.contains(IPAddress("fdff:ffff::1")!))
        #expect(!v6.contains(IPAddress("fe00::1")!))
        #expect(AddressRange("10.0.0.0/33") == nil)
        #expect(AddressRange("example.com/8") == nil)
    }

    @Test func lenientIPv4FormsAreRecognised() {
        #expect(IPAddress.lenientIPv4("2130706433") == IPAddress("127.0.0.1"))
        #expect(IPAddress.lenientIPv4("127.1") == IPAddress("127.0.0.1"))
        #expect(IPAddress.lenientIPv4("0x7f000001") == IPAddress("127.0.0.1"))
        #expect(IPAddress.lenientIPv4("example.com") == nil)
        #expect(IPAddress.lenientIPv4("cafe") == nil, "a hex-looking word is not an address unless inet_aton says so")
    }

    @Test func allowRuleParsing() throws {
        let plain = try #require(AllowRule("127.0.0.0/8"))
        #expect(plain.port == nil && plain.range.prefixLength == 8)
        let withPort = try #require(AllowRule("127.0.0.1/32:8080"))
        #expect(withPort.port == 8080)
        #expect(withPort.allows(IPAddress("127.0.0.1")!, port: 8080))
        #expect(!withPort.allows(IPAddress("127.0.0.1")!, port: 8081))
        let v6 = try #require(AllowRule("[::1]:443"))
        #expect(v6.port == 443 && v6.range.prefixLength == 128)
        #expect(try #require(AllowRule("::1")).port == nil)
        #expect(AllowRule("[::1]:0") == nil)
        #expect(AllowRule("not-an-address") == nil)
    }

    @Test func guardRefusesForbiddenAndHonoursAllowlist() throws {
        let strict = AddressGuard()
        for text in ["127.0.0.1", "::1", "10.0.0.1", "169.254.169.254", "::ffff:127.0.0.1", "0.0.0.0"] {
            #expect(strict.forbiddenCategory(of: IPAddress(text)!, port: 80) != nil, "\(text) must be refused")
        }
        #expect(strict.forbiddenCategory(of: IPAddress("8.8.8.8")!, port: 80) == nil)
        let open = AddressGuard(allowlist: [AllowRule("127.0.0.0/8")!, AllowRule("::1")!])
        #expect(open.forbiddenCategory(of: IPAddress("127.0.0.5")!, port: 1) == nil)
        #expect(open.forbiddenCategory(of: IPAddress("::ffff:127.0.0.1")!, port: 1) == nil)
        #expect(open.forbiddenCategory(of: IPAddress("10.0.0.1")!, port: 1) == .privateNetwork)
        #expect(AddressGuard(isEnabled: false).forbiddenCategory(of: IPAddress("127.0.0.1")!, port: 1) == nil)
    }

    @Test func hostCheckBeforeConnecting() {
        let strict = AddressGuard()
        #expect(strict.checkHost("127.0.0.1", port: 80, url: "u")?.category == .loopback)
        #expect(strict.checkHost("[::1]", port: 80, url: "u")?.category == .loopback)
        #expect(strict.checkHost("localhost", port: 80, url: "u")?.category == .loopback)
        #expect(strict.checkHost("feeds.localhost", port: 80, url: "u")?.category == .loopback)
        #expect(strict.checkHost("2130706433", port: 80, url: "u")?.category == .loopback)
        #expect(strict.checkHost("[fe80::1%25eth0]", port: 80, url: "u")?.category == .linkLocal)
        #expect(strict.checkHost("example.org", port: 80, url: "u") == nil, "names are checked at connect time")
        #expect(strict.checkHost("8.8.8.8", port: 80, url: "u") == nil)
        let loopbackV4Only = AddressGuard(allowlist: [AllowRule("127.0.0.0/8")!])
        #expect(loopbackV4Only.checkHost("localhost", port: 80, url: "u") == nil, "curl may use 127.0.0.1")
    }
}
