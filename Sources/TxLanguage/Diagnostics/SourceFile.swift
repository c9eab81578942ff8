/// A named piece of source text: a script, a module, an REPL input, a `-e` string.
public final class SourceFile: @unchecked Sendable {
    /// Shown in diagnostics: a path, `<stdin>`, `<repl:3>`, `<-e>`.
    public let name: String
    public let text: String
    /// Lines without their terminators, for showing the offending line.
    public let lines: [Substring]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        // Split on the scalar: in Swift "\r\n" is one Character.
        self.lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            var line = String.UnicodeScalarView(scalars)
            if line.last == "\r" { line.removeLast() }
            return Substring(String(line))
        }
    }

    /// The text of 1-based line `n`, or "" past the end.
    public func line(_ n: Int) -> Substring { n >= 1 && n <= lines.count ? lines[n - 1] : "" }
}
