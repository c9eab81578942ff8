import Foundation
import Testing

/// The REPL, driven through a real pseudo-terminal.
@Suite("REPL on a terminal", .serialized)
struct REPLTests {
    static var binary: String {
        if let bin = ProcessInfo.processInfo.environment["TX_BIN"], !bin.isEmpty { return bin }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/.build/debug/tx"
    }

    static func historyFile() -> String {
        NSTemporaryDirectory() + "tx-history-\(UUID().uuidString)"
    }

    @Test func continuationLinesAndEcho() throws {
        let tx = try PtySession(binary: Self.binary, environment: ["TX_HISTORY": Self.historyFile()])
        try tx.expect("tx[1]> ")
        tx.send("fn twice(a) {\r")
        try tx.expect("...> ")
        tx.send("a * 2\r")
        try tx.expect("...> ")
        tx.send("}\r")
        try tx.expect("tx[2]> ")
        tx.send("twice(21)\r")
        try tx.expect("[2]: 42")
        tx.send("_ + 1\r")
        try tx.expect("[3]: 43")
        tx.send("_2 * 10;\r")
        let quiet = try tx.expect("tx[5]> ")
        #expect(!quiet.contains("[4]:"), "a trailing ';' hides the echo")
        tx.send("_4\r")
        try tx.expect("[5]: 420")
        try tx.expect("tx[6]> ")
        usleep(500_000)  // let libedit put the terminal in raw mode first
        tx.send("\u{04}")
        #expect(tx.waitForExit() == 0)
    }

    @Test func ctrlCInterruptsALoopAndKeepsVariables() throws {
        let tx = try PtySession(binary: Self.binary, environment: ["TX_HISTORY": Self.historyFile()])
        try tx.expect("tx[1]> ")
        tx.send("kept = 5\r")
        try tx.expect("tx[2]> ")
        tx.send("while true {}\r")
        usleep(500_000)  // let the loop start
        tx.send("\u{03}")
        try tx.expect("interrupted")
        try tx.expect("tx[3]> ")
        tx.send("kept\r")
        try tx.expect("[3]: 5")
        // Ctrl-C on a half-typed line clears it.
        tx.send("this is not valid")
        usleep(100_000)
        tx.send("\u{03}")
        usleep(300_000)
        tx.send("kept + 1\r")
        try tx.expect("[4]: 6")
        try tx.expect("tx[5]> ")
        usleep(500_000)  // let libedit put the terminal in raw mode first
        tx.send("\u{04}")
        #expect(tx.waitForExit() == 0)
    }

    @Test func trainingShowsProgressAndCtrlCKeepsTheWeights() throws {
        let tx = try PtySession(binary: Self.binary, environment: ["TX_HISTORY": Self.historyFile()])
        try tx.expect("tx[1]> ")
        tx.send("ds = digits(); m = mlp([64, 32, 10]);\r")
        try tx.expect("tx[2]> ")
        tx.send("h = fit(m, dataset(ds.x / 16, ds.y), epochs: 500, batch: 16)\r")
        let bar = try tx.expect("ex/s")
        #expect(bar.contains("epoch 1/500"), "the per-batch line names the epoch")
        try tx.expect("epoch 1/500  loss")   // the line kept at the end of each epoch
        tx.send("\u{03}")
        try tx.expect("training interrupted after")
        try tx.expect("tx[3]> ")
        tx.send("len(h) < 500 and evaluate(m, dataset(ds.x / 16, ds.y)) > 0.5\r")
        try tx.expect("[3]: true")
        try tx.expect("tx[4]> ")
        usleep(500_000)
        tx.send("\u{04}")
        #expect(tx.waitForExit() == 0)
    }

    @Test func historyPersistsAcrossSessions() throws {
        let history = Self.historyFile()
        defer { try? FileManager.default.removeItem(atPath: history) }
        do {
            let first = try PtySession(binary: Self.binary, environment: ["TX_HISTORY": history])
            try first.expect("tx[1]> ")
            first.send("remembered = 1234\r")
            try first.expect("tx[2]> ")
            usleep(500_000)  // let libedit put the terminal in raw mode first
            first.send("\u{04}")
            #expect(first.waitForExit() == 0)
        }
        let second = try PtySession(binary: Self.binary, environment: ["TX_HISTORY": history])
        try second.expect("tx[1]> ")
        second.send("\u{1b}[A")  // Up: the previous session's line comes back
        try second.expect("remembered = 1234")
        second.send("\r")
        try second.expect("tx[2]> ")
        second.send("remembered\r")
        try second.expect("[2]: 1234")
        try second.expect("tx[3]> ")
        second.send(":quit\r")
        #expect(second.waitForExit() == 0)
    }

    @Test func tabCompletesNamesAndMembers() throws {
        let tx = try PtySession(binary: Self.binary, environment: ["TX_HISTORY": Self.historyFile()])
        try tx.expect("tx[1]> ")
        tx.send("learning_rate = 0.25\r")
        try tx.expect("tx[2]> ")
        tx.send("learning_r\t")   // the terminal redraws, so check what runs
        usleep(200_000)
        tx.send(" * 4\r")
        try tx.expect("[2]: 1")
        tx.send("cfg = {depth: 3}\r")
        try tx.expect("tx[4]> ")
        tx.send("cfg.dep\t")
        usleep(200_000)
        tx.send("\r")
        try tx.expect("[4]: 3")
        tx.send(":quit\r")
        #expect(tx.waitForExit() == 0)
    }

    @Test func commandsAndHelp() throws {
        let tx = try PtySession(binary: Self.binary, environment: ["TX_HISTORY": Self.historyFile()])
        try tx.expect("tx[1]> ")
        tx.send("?zeros\r")
        try tx.expect("zeros(...shape)")
        tx.send("w = zeros(3, 4)\r")
        try tx.expect("[1]: Tensor [3, 4] f32")   // an assignment echoes its value
        try tx.expect("tx[2]> ")
        tx.send(":vars\r")
        try tx.expect("[3, 4]")
        tx.send(":help zers\r")
        try tx.expect("did you mean 'zeros'")
        try tx.expect("tx[2]> ")
        tx.send(":quit\r")
        #expect(tx.waitForExit() == 0, "\(tx.transcript)")
    }

    @Test func saveLoadTimeAndReset() throws {
        let script = NSTemporaryDirectory() + "tx-saved-\(UUID().uuidString).tx"
        defer { try? FileManager.default.removeItem(atPath: script) }
        let tx = try PtySession(binary: Self.binary, environment: ["TX_HISTORY": Self.historyFile()])
        try tx.expect("tx[1]> ")
        tx.send("base = 20\r")
        try tx.expect("tx[2]> ")
        tx.send("oops(\r")          // an open bracket: a continuation line
        try tx.expect("...> ")
        tx.send(")\r")              // then an error: not saved
        try tx.expect("undefined name 'oops'")
        tx.send("total = base + 1\r")
        try tx.expect("tx[4]> ")
        tx.send(":save \(script)\r")
        try tx.expect("saved 2 inputs")
        let saved = try String(contentsOfFile: script, encoding: .utf8)
        #expect(saved == "base = 20\ntotal = base + 1\n")
        tx.send(":time 3 total * 2\r")
        try tx.expect("42")
        try tx.expect("mean ± sd of 3 runs")
        tx.send(":reset\r")
        try tx.expect("session reset")
        tx.send("total\r")
        try tx.expect("undefined name 'total'")
        tx.send(":load \(script)\r")
        try tx.expect("tx[")
        tx.send("total\r")
        try tx.expect("]: 21")
        tx.send(":frobnicate\r")
        try tx.expect("unknown command ':frobnicate'")
        tx.send(":quit\r")
        #expect(tx.waitForExit() == 0)
    }

    @Test func typesUnicode() throws {
        let tx = try PtySession(binary: Self.binary,
                                environment: ["TX_HISTORY": Self.historyFile(), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        try tx.expect("tx[1]> ")
        tx.send("print(\"ρ = é\", len(\"日本\"))\r")
        try tx.expect("ρ = é 2")
        tx.send(":quit\r")
        #expect(tx.waitForExit() == 0)
    }

    /// Figures show themselves: braille on a plain terminal, an inline image
    /// on kitty, nothing with TX_PREVIEW=0.
    @Test(arguments: [("xterm-256color", nil, "\u{28}"), ("xterm-kitty", nil, "\u{1b}_Ga=T,f=100"),
                      ("xterm-256color", "0", "")])
    func figuresPreviewInTheTerminal(term: String, preview: String?, marker: String) throws {
        var env = ["TX_HISTORY": Self.historyFile(), "TERM": term]
        if let preview { env["TX_PREVIEW"] = preview }
        let tx = try PtySession(binary: Self.binary, environment: env)
        try tx.expect("tx[1]> ")
        tx.send("bar([\"a\", \"b\"], [1, 2], title: \"t\")\r")
        let shown = try tx.expect("tx[2]> ")
        #expect(shown.contains("[1]: Figure 800×600 bar"))
        if marker == "\u{28}" {
            #expect(shown.unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF }, "braille dots")
        } else if marker.isEmpty {
            #expect(!shown.unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF })
            #expect(!shown.contains("\u{1b}_G"))
        } else {
            #expect(shown.contains(marker))
        }
        tx.send(":quit\r")
        #expect(tx.waitForExit() == 0)
    }
}
