/// Every error a user sees: syntax and runtime errors, and interruptions.
/// It carries where it happened and the tx call stack, and renders itself in
/// the form LANGUAGE.md fixes:
///
///     error: matmul shapes don't fit: [3, 4] @ [5, 2] (4 ≠ 5)
///      --> study.tx:12:7
///        |
///     12 | y = a @ b
///        |       ^
public struct TxError: Error, CustomStringConvertible, @unchecked Sendable {
    public enum Kind: Sendable { case syntax, runtime, interrupted }

    /// A frame of the tx call stack: which function, and where it was executing.
    public struct Frame: Sendable {
        public var function: String
        public var file: SourceFile?
        public var location: SourceLocation?
    }

    public var kind: Kind
    public var message: String
    public var file: SourceFile?
    public var location: SourceLocation?
    /// Caret width.
    public var length: Int = 1
    /// Innermost first.
    public var stack: [Frame] = []
    /// True when a syntax error is only "the input ended too soon": the REPL
    /// then asks for a continuation line instead of reporting it.
    public var incompleteInput = false
    /// A value thrown by `error(...)` keeps its message; `catch e` sees it as `e.message`.

    public init(_ kind: Kind, _ message: String, file: SourceFile? = nil,
                at location: SourceLocation? = nil, length: Int = 1) {
        self.kind = kind
        self.message = message
        self.file = file
        self.location = location
        self.length = max(1, length)
    }

    public static func runtime(_ message: String) -> TxError { TxError(.runtime, message) }

    /// `file:line:col`, or the file name alone.
    public var position: String {
        guard let file else { return "<unknown>" }
        guard let location else { return file.name }
        return "\(file.name):\(location.line):\(location.column)"
    }

    /// The full multi-line rendering.
    public var description: String {
        var out = "error: \(message)"
        if let file, let location {
            let number = String(location.line)
            let pad = String(repeating: " ", count: number.count)
            let text = file.line(location.line)
            // The caret goes under the column, counting tabs as they display.
            var prefix = ""
            for (i, ch) in text.unicodeScalars.enumerated() where i < location.column - 1 {
                prefix.append(ch == "\t" ? "\t" : " ")
            }
            out += "\n --> \(position)\n\(pad) |\n\(number) | \(text)\n\(pad) | \(prefix)"
                + String(repeating: "^", count: length)
        } else if let file {
            out += "\n --> \(file.name)"
        }
        if stack.count > 0 {
            out += "\ncall stack (most recent call first):"
            func line(_ frame: Frame) -> String {
                let place = frame.file.map { f in
                    frame.location.map { "\(f.name):\($0.line):\($0.column)" } ?? f.name
                } ?? "?"
                return "\n  in \(frame.function) at \(place)"
            }
            // Deep recursion: show the innermost and outermost frames, fold the middle.
            if stack.count > 16 {
                for frame in stack.prefix(10) { out += line(frame) }
                out += "\n  ... \(stack.count - 15) more frames ..."
                for frame in stack.suffix(5) { out += line(frame) }
            } else {
                for frame in stack { out += line(frame) }
            }
        }
        return out
    }
}

/// Edit distance with adjacent transpositions counting as one edit
/// (optimal string alignment), for "did you mean …?".
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}

/// The closest candidates to `name`: those at the smallest distance, if that
/// is within about a third of its length (at most 3).
public func suggestions(for name: String, among candidates: some Sequence<String>) -> [String] {
    // One- and two-letter names are too short for a guess to mean anything.
    guard name.count > 2 else { return [] }
    let limit = max(1, name.count / 3)
    guard name.count <= 64 else { return [] }
    let scored = Set(candidates).compactMap { c -> (Int, String)? in
        guard c != name, !c.hasPrefix("__"), abs(c.count - name.count) <= limit else { return nil }
        let d = editDistance(name.lowercased(), c.lowercased())
        return d <= limit ? (d, c) : nil
    }
    guard let best = scored.map(\.0).min() else { return [] }
    return scored.filter { $0.0 == best }.map(\.1).sorted().prefix(3).map { $0 }
}

/// " (did you mean 'x'?)" or "".
func didYouMean(_ name: String, _ candidates: some Sequence<String>) -> String {
    let s = suggestions(for: name, among: candidates)
    guard !s.isEmpty else { return "" }
    return "; did you mean " + s.map { "'\($0)'" }.joined(separator: " or ") + "?"
}
