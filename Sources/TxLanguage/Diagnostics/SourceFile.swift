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
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    /// The text of 1-based line `n`, or "" past the end.
    public func line(_ n: Int) -> Substring { n >= 1 && n <= lines.count ? lines[n - 1] : "" }
}
