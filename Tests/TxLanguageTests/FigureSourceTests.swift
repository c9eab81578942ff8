import Foundation
import Testing
@testable import TxLanguage

/// Saved PNGs name the script that made them (tEXt "Source"), as the
/// interpreter knows it: scripts, imports, notebooks and embedders agree;
/// the REPL and `-e` code record none.
@Suite("Figure source chunk")
struct FigureSourceTests {
    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "tx-src-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The PNG's tEXt chunks, key → value, read from the chunk stream.
    func textChunks(_ png: [UInt8]) -> [String: String] {
        var out: [String: String] = [:]
        var i = 8
        while i + 8 <= png.count {
            let length = png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[i + 4..<i + 8], as: UTF8.self)
            guard i + 12 + length <= png.count else { break }
            if type == "tEXt" {
                let body = Array(png[i + 8..<i + 8 + length])
                if let nul = body.firstIndex(of: 0) {
                    out[String(decoding: body[..<nul], as: UTF8.self)] = String(decoding: body[(nul + 1)...], as: UTF8.self)
                }
            }
            i += 12 + length
        }
        return out
    }

    func chunks(ofFile path: String) throws -> [String: String] {
        textChunks([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func embeddedInterpreterRecordsTheFileItRuns() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let png = dir + "/a.png"
        let interp = Interpreter()
        try interp.run(#"scatter([1, 2], [3, 4]).save("\#(png)")"#, name: dir + "/study.tx")
        let text = try chunks(ofFile: png)
        #expect(text["Source"] == "study.tx")
        #expect(text["Software"]?.hasPrefix("tx ") == true)
        #expect(interp.scriptPath == nil, "the run is over")
        // code that is not a file records no source
        try interp.run(#"scatter([1, 2], [3, 4]).save("\#(png)")"#, name: "<repl:1>")
        #expect(try chunks(ofFile: png)["Source"] == nil)
    }

    @Test func importedCodeReportsTheImportingScript() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"fn plot(path) { hist([1, 2, 2, 3]).save(path) }"#.write(toFile: dir + "/helper.tx", atomically: true, encoding: .utf8)
        try #"""
            import "helper.tx" as h
            h.plot("\#(dir)/b.png")
            """#.write(toFile: dir + "/main.tx", atomically: true, encoding: .utf8)
        let r = try runTx([dir + "/main.tx"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try chunks(ofFile: dir + "/b.png")["Source"] == "main.tx")
    }

    @Test func dashEHasNoSourceEvenWithATxArgument() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // the word after the code is an argument for it, not a script being run
        let r = try runTx(["-e", #"bar(["a"], [1]).save("\#(dir)/c.png")"#, "other.tx"])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try chunks(ofFile: dir + "/c.png")
        #expect(text["Source"] == nil)
        #expect(text["Software"] != nil)
    }

    @Test func notebookFiguresNameTheNotebook() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            # %%
            line([1, 2, 3], [3, 1, 2])
            """.write(toFile: dir + "/report.tx", atomically: true, encoding: .utf8)
        let r = try runTx(["notebook", dir + "/report.tx", "-o", dir + "/report.ipynb"])
        #expect(r.status == 0, "\(r.stderr)")
        let nb = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/report.ipynb")))
        let cells = (nb as? [String: Any])?["cells"] as? [[String: Any]] ?? []
        let images = cells.flatMap { ($0["outputs"] as? [[String: Any]]) ?? [] }
            .compactMap { ($0["data"] as? [String: Any])?["image/png"] as? String }
        let png = try #require(images.first.flatMap { Data(base64Encoded: $0) })
        #expect(textChunks([UInt8](png))["Source"] == "report.tx")
    }
}
