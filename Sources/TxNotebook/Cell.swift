/// One cell of a notebook script, in the Jupytext "percent" convention:
///
///     # %% Optional title          ← starts a code cell
///     # %% [markdown]              ← starts a prose cell; its `# ` lines are Markdown
///
/// Lines before the first marker form a code cell of their own.
public struct Cell: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case code, markdown }

    public var kind: Kind
    public var title: String?
    /// The cell's text: code as written, or Markdown with the `# ` prefixes removed.
    public var source: String
    /// 1-based line of the cell's first source line in the file.
    public var firstLine: Int

    /// Splits a script into cells. Empty cells are dropped.
    public static func parse(_ text: String) -> [Cell] {
        var cells: [Cell] = []
        var current = Cell(kind: .code, title: nil, source: "", firstLine: 1)
        var lines: [Substring] = []

        func finish() {
            var body = lines
            while let last = body.last, last.allSatisfy(\.isWhitespace) { body.removeLast() }
            var leading = 0
            while leading < body.count, body[leading].allSatisfy(\.isWhitespace) { leading += 1 }
            guard leading < body.count else { return }
            var cell = current
            cell.firstLine += leading
            let kept = body[leading...]
            cell.source = (current.kind == .markdown ? kept.map(stripComment) : kept.map(String.init))
                .joined(separator: "\n")
            cells.append(cell)
        }

        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        for (index, line) in all.enumerated() {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("# %%") || trimmed == "#%%" || trimmed.hasPrefix("#%% ") {
                finish()
                lines = []
                var rest = trimmed.hasPrefix("# %%") ? trimmed.dropFirst(4) : trimmed.dropFirst(3)
                rest = rest.drop(while: { $0 == " " })
                let isMarkdown = rest.hasPrefix("[markdown]") || rest.hasPrefix("[md]")
                if isMarkdown { rest = rest.drop(while: { $0 != "]" }).dropFirst().drop(while: { $0 == " " }) }
                current = Cell(kind: isMarkdown ? .markdown : .code,
                               title: rest.isEmpty ? nil : String(rest), source: "", firstLine: index + 2)
                continue
            }
            lines.append(line)
        }
        finish()
        return cells
    }

    /// `# text` → `text`; a bare `#` → an empty line.
    private static func stripComment(_ line: Substring) -> String {
        let t = line.drop(while: { $0 == " " || $0 == "\t" })
        if t.hasPrefix("# ") { return String(t.dropFirst(2)) }
        if t.hasPrefix("#") { return String(t.dropFirst()) }
        return String(line)
    }
}
