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
            out += "\n\(pad)--> \(position)\n\(pad) |\n\(number) | \(text)\n\(pad) | \(prefix)"
                + String(repeating: "^", count: length)
        } else if let file {
            out += "\n --> \(file.name)"
        }
        if stack.count > 0 {
            out += "\ncall stack (most recent call first):"
            for frame in stack {
                let place = frame.file.map { f in
                    frame.location.map { "\(f.name):\($0.line):\($0.column)" } ?? f.name
                } ?? "?"
                out += "\n  in \(frame.function) at \(place)"
            }
        }
        return out
    }
}

/// Levenshtein distance, for "did you mean …?".
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The closest candidates to `name` (at most 3, within a third of its length).
public func suggestions(for name: String, among candidates: some Sequence<String>) -> [String] {
    // One- and two-letter names are too short for a guess to mean anything.
    guard name.count > 2 else { return [] }
    let limit = max(1, name.count / 3 + (name.count > 4 ? 1 : 0))
    let scored = Set(candidates).compactMap { c -> (Int, String)? in
        guard c != name, !c.hasPrefix("__") else { return nil }
        let d = editDistance(name.lowercased(), c.lowercased())
        return d <= limit ? (d, c) : nil
    }
    return scored.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(3).map(\.1)
}

/// " (did you mean 'x'?)" or "".
func didYouMean(_ name: String, _ candidates: some Sequence<String>) -> String {
    let s = suggestions(for: name, among: candidates)
    guard !s.isEmpty else { return "" }
    return "; did you mean " + s.map { "'\($0)'" }.joined(separator: " or ") + "?"
}
