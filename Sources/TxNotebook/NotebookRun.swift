import TxLanguage

/// What running one code cell produced.
public struct CellOutput {
    /// Everything the cell printed.
    public var printed: String = ""
    /// The display of the cell's last expression, when it is not nil.
    public var result: String?
    /// PNG bytes when the result is a picture (a figure).
    public var image: [UInt8]?
    /// The rendered diagnostic when the cell failed.
    public var error: String?
    /// 1-based number among the code cells (`In [N]`).
    public var executionCount: Int
}

/// A notebook run: every cell in order, in one session, with what each produced.
public struct NotebookRun {
    public let path: String
    public let cells: [Cell]
    /// One entry per cell; nil for Markdown cells.
    public let outputs: [CellOutput?]

    public var failed: Bool { outputs.contains { $0?.error != nil } }

    /// Runs the cells of the script at `path` (text already read).
    /// A failing cell records its error and the run goes on, as a report
    /// should show everything; `failed` tells the caller.
    public static func run(path: String, text: String, interpreter: Interpreter = Interpreter()) -> NotebookRun {
        let cells = Cell.parse(text)
        var outputs: [CellOutput?] = []
        var count = 0
        var printed = ""
        let previousWrite = interpreter.write
        interpreter.write = { printed += $0 }
        defer { interpreter.write = previousWrite }
        for cell in cells {
            guard cell.kind == .code else { outputs.append(nil); continue }
            count += 1
            printed = ""
            var output = CellOutput(executionCount: count)
            // Blank lines before the cell keep diagnostics on the file's own line numbers.
            let source = String(repeating: "\n", count: max(0, cell.firstLine - 1)) + cell.source
            do {
                let value = try interpreter.run(source, name: path)
                if case .nil = value {} else {
                    output.result = value.repr
                    if case .object(let o as ImageValue) = value { output.image = try? o.pngBytes() }
                }
            } catch let e as TxError {
                output.error = e.description
            } catch {
                output.error = "error: \(error)"
            }
            output.printed = printed
            outputs.append(output)
        }
        return NotebookRun(path: path, cells: cells, outputs: outputs)
    }
}
