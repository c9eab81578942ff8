import Foundation
import Testing
@testable import TxData

@Suite("CSV files and tables")
struct CSVTests {
    func parse(_ text: String) throws -> Table { try CSV.parse(Array(text.utf8), name: "t.csv") }

    @Test func parsesRFC4180() throws {
        let t = try parse("\u{FEFF}name,acc,note\r\n\"a, b\",0.5,\"say \"\"hi\"\"\"\r\nc,1e-3,\"two\r\nlines\"\r\n\r\nd,,x\n")
        #expect(t.names == ["name", "acc", "note"])
        #expect(t.rowCount == 3)
        #expect(t.column("name") == .text(["a, b", "c", "d"]))
        #expect(t.column("note") == .text(["say \"hi\"", "two\r\nlines", "x"]))
        guard case .number(let acc)? = t.column("acc") else { Issue.record("acc is not numeric"); return }
        #expect(acc[0] == 0.5 && acc[1] == 0.001 && acc[2].isNaN)
    }

    @Test func infersColumnTypes() throws {
        let t = try parse("a,b,c,d,e\n1,x,,0x10,-2.5E2\n2,3,,7,nan\n")
        #expect(t.column("a") == .number([1, 2]))
        #expect(t.column("b") == .text(["x", "3"]))
        #expect(t.column("c") == .text(["", ""]))   // all empty: strings
        #expect(t.column("d") == .text(["0x10", "7"]))  // no hex numbers
        guard case .number(let e)? = t.column("e") else { Issue.record("e is not numeric"); return }
        #expect(e[0] == -250 && e[1].isNaN)
        // Header only; CR line ends; no final newline; empty header names.
        let h = try parse("x,y")
        #expect(h.rowCount == 0 && h.names == ["x", "y"])
        #expect(try parse("p,q\r1,2\r3,4").column("q") == .number([2, 4]))
        #expect(try parse(",v\n1,2\n").names == ["column1", "v"])
    }

    @Test func rejectsMalformedCSVNamingTheFileAndLine() throws {
        expectDataError("can't read 't.csv': line 3 has 1 field but the header has 2") { _ = try parse("a,b\n1,2\n3\n") }
        expectDataError("'t.csv'", "line 2", "never closed") { _ = try parse("a,b\n\"1,2\n3,4\n") }
        expectDataError("'t.csv'", "line 2", "after a closing quote") { _ = try parse("a,b\n\"1\"x,2\n") }
        expectDataError("'t.csv'", "empty") { _ = try parse("") }
        expectDataError("'t.csv'", "column 'a' appears twice") { _ = try parse("a,a\n1,2\n") }
        expectDataError("can't read '/nonexistent/x.csv'") { _ = try readCSV("/nonexistent/x.csv") }
    }

    @Test func writesAndReadsBackAtomically() throws {
        let dir = try makeTempFolder()
        let t = try Table(names: ["model", "acc", "note"],
                          columns: [.text(["res,net", "vit \"b\"", ""]), .number([0.1, 3, .nan]), .text(["x\ny", " pad", "z"])])
        try writeCSV(dir + "/r.csv", t)
        let text = try String(contentsOfFile: dir + "/r.csv", encoding: .utf8)
        #expect(text == "model,acc,note\n\"res,net\",0.1,\"x\ny\"\n\"vit \"\"b\"\"\",3,\" pad\"\n,,z\n")
        let back = try readCSV(dir + "/r.csv")
        #expect(back.column("model") == t.column("model"))
        #expect(back.column("note") == t.column("note"))
        // A lone empty field is quoted so the row survives.
        let one = try Table(names: ["s"], columns: [.text(["a", "", "b"])])
        try writeCSV(dir + "/one.csv", one)
        #expect(try readCSV(dir + "/one.csv").column("s") == .text(["a", "", "b"]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["one.csv", "r.csv"])
    }

    @Test func sortsSelectsAndDisplays() throws {
        let t = try Table(names: ["m", "acc"], columns: [.text(["a", "b", "c", "d"]), .number([0.5, .nan, 0.9, 0.5])])
        #expect(try t.sorted(by: "acc").column("m") == .text(["a", "d", "c", "b"]))
        #expect(try t.sorted(by: "acc", reverse: true).column("m") == .text(["c", "a", "d", "b"]))
        #expect(try t.sorted(by: "m", reverse: true).column("m") == .text(["d", "c", "b", "a"]))
        expectDataError("no column 'x'", "m, acc") { _ = try t.sorted(by: "x") }
        #expect(t.description == "m  acc\na  0.5\nb\nc  0.9\nd  0.5\n(4 rows × 2 columns)")
        let long = try Table(names: ["i"], columns: [.number((0..<100).map(Double.init))])
        let lines = long.description.split(separator: "\n")
        #expect(lines.count == 1 + 10 + 1 + 5 + 1)
        #expect(lines[11].contains("…") && lines.last == "(100 rows × 1 column)")
        #expect(Table.displayNumber(1.0 / 3) == "0.333333")
        expectDataError("column 'b' has 1 values but 'a' has 2") {
            _ = try Table(names: ["a", "b"], columns: [.number([1, 2]), .number([1])])
        }
    }
}
