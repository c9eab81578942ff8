import ArgumentParser
import TxLanguage
import TxNotebook

/// `tx notebook FILE.tx -o report.html|report.ipynb`: runs the cells in
/// order and writes the report. Exit status 1 if any cell failed (the
/// report is still written, errors shown in their cells).
struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx notebook",
        abstract: "Run a notebook-style .tx script (# %% cells) and write an HTML page or a Jupyter notebook.")

    @Argument(help: "The .tx script, with `# %%` code cells and `# %% [markdown]` prose cells.")
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write: a .html or .ipynb path.", valueName: "PATH"))
    var output: String

    func validate() throws {
        guard output.hasSuffix(".html") || output.hasSuffix(".ipynb") else {
            throw ValidationError("-o must end in .html or .ipynb, got '\(output)'")
        }
    }

    func runNotebook() -> Int32 {
        let text: String
        do { text = try FileSystem.readText(file) } catch {
            writeError("tx: can't open file '\(file)': \(FileSystem.exists(file) ? "not readable" : "no such file")")
            return 2
        }
        let run = NotebookRun.run(path: file, text: text)
        do {
            if output.hasSuffix(".ipynb") {
                try FileSystem.writeAtomically(output, try IPYNBReport.render(run))
            } else {
                let title = String(file.split(separator: "/").last ?? Substring(file))
                try FileSystem.writeText(output, HTMLReport.render(run, title: title))
            }
        } catch {
            writeError((error as? TxError)?.description ?? "error: \(error)")
            return 1
        }
        for (cell, output) in zip(run.cells, run.outputs) {
            if let error = output?.error { writeError("in the cell at line \(cell.firstLine):\n\(error)") }
        }
        print("wrote \(output) (\(run.cells.count) cells)")
        return run.failed ? 1 : 0
    }
}
