import Testing
@testable import Config

@Suite struct TOMLReaderTests {
    @Test func readsTablesKeysAndScalars() throws {
        let doc = try TOMLReader().parse("""
        # comment
        title = "a \\"q\\" \\u00e9\\n" # trailing comment
        lit = 'C:\\path'
        [server.http]
        port = 8_080
        hex = 0xff
        ratio = 1.5e2
        on = false
        "dotted.name" = 'x'
        a.b = -3
        """)
        #expect(doc["title"]?.value == .string("a \"q\" é\n"))
        #expect(doc["lit"]?.value == .string("C:\\path"))
        guard case .table(let server)? = doc["server"]?.value, case .table(let http)? = server["http"]?.value else {
            Issue.record("no server.http table"); return
        }
        #expect(http["port"]?.value == .integer(8080))
        #expect(http["port"]?.line == 5)
        #expect(http["hex"]?.value == .integer(255))
        #expect(http["ratio"]?.value == .float(150))
        #expect(http["on"]?.value == .boolean(false))
        #expect(http["dotted.name"]?.value == .string("x"))
        guard case .table(let a)? = http["a"]?.value else { Issue.record("no a"); return }
        #expect(a["b"]?.value == .integer(-3))
    }

    @Test func readsMultiLineArraysAndInlineTables() throws {
        let doc = try TOMLReader().parse("""
        list = [
          "a", # first
          "b",
        ]
        t = { "x.y" = 1, z = "w" }
        """)
        #expect(doc["list"]?.value == .array([.string("a"), .string("b")]))
        guard case .table(let t)? = doc["t"]?.value else { Issue.record("no inline table"); return }
        #expect(t["x.y"]?.value == .integer(1))
        #expect(t["z"]?.value == .string("w"))
    }

    @Test(arguments: [
        ("a = \"open", 1, "unterminated"),
        ("\n\nb = nope", 3, "invalid value"),
        ("a = 1\na = 2", 2, "already defined"),
        ("[t]\n[t]", 2, "defined twice"),
        ("a = 1 2", 1, "after value"),
        ("d = 1979-05-27", 1, "dates"),
        ("[[arr]]", 1, "arrays of tables"),
        ("s = \"bad \\q\"", 1, "invalid escape"),
        ("x = [1, 2", 1, "unterminated array"),
    ])
    func reportsErrorsWithLines(input: String, line: Int, fragment: String) {
        do {
            _ = try TOMLReader().parse(input)
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }
}
