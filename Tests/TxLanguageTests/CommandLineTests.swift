import Foundation
import Testing

/// The `tx` command line: modes, arguments, exit statuses and diagnostics.
@Suite("Command line")
struct CommandLineTests {
    @Test func evaluatesCodeWithDashE() throws {
        let r = try runTx(["-e", "print(6 * 7)"])
        #expect(r.status == 0)
        #expect(r.stdout == "42\n")
    }

    @Test func scriptGetsItsArguments() throws {
        let script = NSTemporaryDirectory() + "tx-args-\(UUID().uuidString).tx"
        try "print(args)\nprint(len(args))\n".write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let r = try runTx([script, "a", "--b", "3"])
        #expect(r.status == 0)
        #expect(r.stdout == "[\"a\", \"--b\", \"3\"]\n3\n")
    }

    @Test func readsAScriptFromStdinWithoutPrompts() throws {
        let r = try runTx([], stdin: "x = 2\nprint(x ** 10)\n")
        #expect(r.status == 0)
        #expect(r.stdout == "1024\n")
    }

    @Test func exitStatuses() throws {
        #expect(try runTx(["-e", "1"]).status == 0)
        #expect(try runTx(["-e", "error(\"no\")"]).status == 1)
        #expect(try runTx(["-e", "x = (1"]).status == 65)
        #expect(try runTx(["--no-such-flag"]).status == 2)
        #expect(try runTx(["/nonexistent/script.tx"]).status == 2)
    }

    @Test func versionAndHelp() throws {
        let v = try runTx(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.hasPrefix("tx 0."))
        let h = try runTx(["--help"])
        #expect(h.status == 0)
        #expect(h.stdout.contains("-e <CODE>"))
        #expect(h.stdout.contains("-i"))
    }

    @Test func interactiveAfterScriptKeepsState() throws {
        let script = NSTemporaryDirectory() + "tx-i-\(UUID().uuidString).tx"
        try "answer = 41\n".write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let r = try runTx(["-i", script], stdin: "answer + 1\n")
        #expect(r.status == 0)
        #expect(r.stdout.contains("[1]: 42"))
    }

    /// LANGUAGE.md's diagnostic form, and the call stack through a built-in.
    @Test func diagnosticShowsLineCaretAndCallStack() throws {
        let source = """
            fn inner(x) { x @ zeros(5, 2) }
            fn outer() { map([zeros(3, 4)], inner) }
            outer()
            """
        let r = try runTx(["-e", source])
        #expect(r.status == 1)
        let expected = """
            error: matmul shapes don't fit: [3, 4] @ [5, 2] (4 ≠ 5)
             --> <-e>:1:17
              |
            1 | fn inner(x) { x @ zeros(5, 2) }
              |                 ^
            call stack (most recent call first):
              in inner at <-e>:1:17
              in outer at <-e>:2:14
              in <main> at <-e>:3:1

            """
        #expect(r.stderr == expected)
    }

    @Test func deepRecursionIsAnErrorWithAFoldedStack() throws {
        let r = try runTx(["-e", "fn down(n) { down(n + 1) }\ndown(0)"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: maximum recursion depth (3000) exceeded in down()"))
        #expect(r.stderr.contains("more frames"))
        #expect(r.stderr.split(separator: "\n").count < 30)
    }
}
