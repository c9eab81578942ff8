import Foundation
import Testing

/// `tx notebook`: cells run in order in one session; the report holds prose,
/// code, printed output, results and errors, as HTML or nbformat 4.
@Suite("Notebooks")
struct NotebookTests {
    static let script = """
        # %% [markdown]
        # # Transfer study
        # Accuracies on **log-odds**, as in the paper.

        # %% Setup
        accs = [70.6, 76.1, 78.0]
        print("models:", len(accs))

        # %%
        accs |> map(p -> round(log(p / (100 - p)), 3))

        # %% A failing cell
        zeros(2, 3) @ zeros(2, 3)

        # %%
        print("still <runs>", accs[0])
        """

    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "tx-nb-\(UUID().uuidString).tx"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func htmlReport() throws {
        let source = try write(Self.script)
        let out = source.replacingOccurrences(of: ".tx", with: ".html")
        defer { try? FileManager.default.removeItem(atPath: source); try? FileManager.default.removeItem(atPath: out) }
        let r = try runTx(["notebook", source, "-o", out])
        #expect(r.status == 1, "a failing cell makes the run fail, after writing the report")
        #expect(r.stderr.contains("in the cell at line 13"))
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<h1>Transfer study</h1>"))
        #expect(html.contains("<strong>log-odds</strong>"))
        #expect(html.contains("<h3 class=\"cell-title\">Setup</h3>"))
        #expect(html.contains("<pre class=\"stdout\">models: 3\n</pre>"))
        #expect(html.contains("<pre class=\"result\">[0.876, 1.158, 1.266]</pre>"))
        #expect(html.contains("matmul shapes don&#39;t fit") || html.contains("matmul shapes don't fit: [2, 3] @ [2, 3] (3 ≠ 2)"))
        #expect(html.contains(" --&gt; \(source):13:13"), "errors keep the file's own line numbers")
        #expect(html.contains("still &lt;runs&gt; 70.6"), "later cells still run, output is escaped")
    }

    @Test func jupyterNotebook() throws {
        let source = try write(Self.script)
        let out = source.replacingOccurrences(of: ".tx", with: ".ipynb")
        defer { try? FileManager.default.removeItem(atPath: source); try? FileManager.default.removeItem(atPath: out) }
        let r = try runTx(["notebook", source, "-o", out])
        #expect(r.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
        #expect(json?["nbformat"] as? Int == 4)
        #expect(json?["nbformat_minor"] as? Int == 5)
        let cells = json?["cells"] as? [[String: Any]] ?? []
        #expect(cells.map { $0["cell_type"] as? String ?? "" } == ["markdown", "code", "code", "code", "code"])
        #expect(Set(cells.compactMap { $0["id"] as? String }).count == 5, "every cell has a unique id")
        #expect(cells[0]["source"] as? [String] == ["# Transfer study\n", "Accuracies on **log-odds**, as in the paper."])
        let setup = cells[1]["outputs"] as? [[String: Any]] ?? []
        #expect(setup.first?["output_type"] as? String == "stream")
        #expect(setup.first?["text"] as? [String] == ["models: 3\n"])
        let result = (cells[2]["outputs"] as? [[String: Any]])?.first
        #expect(result?["output_type"] as? String == "execute_result")
        #expect((result?["data"] as? [String: Any])?["text/plain"] as? [String] == ["[0.876, 1.158, 1.266]"])
        #expect(result?["execution_count"] as? Int == 2)
        let error = (cells[3]["outputs"] as? [[String: Any]])?.first
        #expect(error?["output_type"] as? String == "error")
        #expect(error?["evalue"] as? String == "matmul shapes don't fit: [2, 3] @ [2, 3] (3 ≠ 2)")
    }

    @Test func allCellsPassingExitsZero() throws {
        let source = try write("# %%\nx = 1\n# %%\nx + 1\n")
        let out = source.replacingOccurrences(of: ".tx", with: ".html")
        defer { try? FileManager.default.removeItem(atPath: source); try? FileManager.default.removeItem(atPath: out) }
        let r = try runTx(["notebook", source, "-o", out])
        #expect(r.status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("<pre class=\"result\">2</pre>"))
    }

    @Test func badOutputPathIsAUsageError() throws {
        let r = try runTx(["notebook", "x.tx", "-o", "report.pdf"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("-o must end in .html or .ipynb"))
    }
}
