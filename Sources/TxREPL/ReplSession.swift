import CSupport
import TxLanguage
#if canImport(Glibc)
import Glibc
#endif

/// The REPL's logic, apart from the terminal: numbering inputs, echoing
/// results as `[N]: …`, `_` and `_N`, timing, the `:` commands, and
/// completion. `REPL` feeds it lines from libedit; tests can feed it directly.
public final class ReplSession {
    public let interpreter: Interpreter
    /// The number of the next input (`tx[N]>`).
    public private(set) var counter = 1
    /// Inputs that ran without error, for `:save`.
    public private(set) var successfulInputs: [String] = []
    /// Set by `:quit`.
    public private(set) var wantsQuit = false
    var writeError: (String) -> Void = { text in fputs(text + "\n", stderr) }
    /// How figures show themselves (decided once, from the terminal).
    let previewMode = ImagePreview.mode()

    public init(interpreter: Interpreter) { self.interpreter = interpreter }

    public var prompt: String { "tx[\(counter)]> " }
    public static let continuationPrompt = "...> "

    /// Whether `text` can run as it is, or needs more lines (an open bracket
    /// or block, or an expression cut short).
    public func needsMoreInput(_ text: String) -> Bool {
        if text.hasPrefix(":") || text.hasPrefix("?") { return false }
        do { try Interpreter.parseCheck(text, name: "<repl>") } catch let e as TxError { return e.incompleteInput } catch {}
        return false
    }

    /// Runs one complete input (code or a `:` command), printing its echo.
    public func execute(_ input: String) {
        let text = input.trimmingTrailingSpace()
        guard !text.trimmingLeadingSpace().isEmpty else { return }
        let trimmed = text.trimmingLeadingSpace()
        if trimmed.hasPrefix("?") {
            out(Builtins.help(String(trimmed.dropFirst()).trimmingLeadingSpace().trimmingTrailingSpace()) + "\n")
            return
        }
        if trimmed.hasPrefix(":") {
            command(String(trimmed.dropFirst()))
            return
        }
        let n = counter
        counter += 1
        let start = Clock.wall()
        do {
            let value = try interpreter.run(text, name: "<repl:\(n)>")
            let elapsed = Clock.wall() - start
            successfulInputs.append(text)
            let suppressed = text.hasSuffix(";")
            if case .nil = value {} else {
                interpreter.main.set("_", value)
                interpreter.main.set("_\(n)", value)
                if !suppressed {
                    out("[\(n)]: \(value.repr)\n")
                    if case .object(let o as ImageValue) = value { out(ImagePreview.render(o, mode: previewMode)) }
                }
            }
            if elapsed >= 1 { out("  (\(formatSeconds(elapsed)))\n") }
        } catch let e as TxError {
            writeError(e.description)
        } catch {
            writeError("error: \(error)")
        }
    }

    private func out(_ s: String) { interpreter.write(s) }

    // MARK: - Commands

    private func command(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts.first ?? ""
        let argument = parts.count > 1 ? parts[1].trimmingLeadingSpace().trimmingTrailingSpace() : ""
        switch name {
        case "help", "h":
            out((argument.isEmpty ? ReplSession.generalHelp : Builtins.help(argument)) + "\n")
        case "vars": out(variablesTable())
        case "time": time(argument)
        case "load":
            guard !argument.isEmpty else { return writeError("usage: :load FILE.tx") }
            do {
                let source = try FileSystem.readText(argument)
                try interpreter.run(source, name: argument)
                // `:save` then reproduces the session: the file's code goes in as it ran.
                successfulInputs.append("# :load \(argument)\n" + source.trimmingTrailingSpace())
            } catch { writeError((error as? TxError)?.description ?? "error: \(error)") }
        case "save":
            guard !argument.isEmpty else { return writeError("usage: :save FILE.tx") }
            do {
                try FileSystem.writeText(argument, successfulInputs.joined(separator: "\n") + "\n")
                out("saved \(successfulInputs.count) input\(successfulInputs.count == 1 ? "" : "s") to \(argument)\n")
            } catch { writeError((error as? TxError)?.description ?? "error: \(error)") }
        case "reset":
            interpreter.main.reset()
            successfulInputs = []
            out("session reset: all variables cleared\n")
        case "quit", "q", "exit":
            wantsQuit = true
        default:
            let known = ["help", "vars", "time", "load", "save", "reset", "quit"]
            let s = suggestions(for: name, among: known)
            writeError("error: unknown command ':\(name)'" + (s.isEmpty ? "" : "; did you mean ':\(s[0])'?") + " (:help lists them)")
        }
    }

    /// `:time [n] expr`: wall and CPU time, or mean ± sd over n runs.
    private func time(_ argument: String) {
        var code = argument
        var repeats = 1
        if let first = argument.split(separator: " ").first, let n = Int(first), n > 0 {
            repeats = min(n, 1_000_000)
            code = String(argument.dropFirst(first.count)).trimmingLeadingSpace()
        }
        guard !code.isEmpty else { return writeError("usage: :time [N] EXPR") }
        var walls: [Double] = []
        var cpus: [Double] = []
        var last = Value.nil
        for _ in 0..<repeats {
            if tx_interrupt_pending() != 0 {
                tx_clear_interrupt()
                return writeError("error: interrupted")
            }
            let w = Clock.wall(), c = Clock.cpu()
            do { last = try interpreter.run(code, name: "<time>") } catch {
                return writeError((error as? TxError)?.description ?? "error: \(error)")
            }
            walls.append(Clock.wall() - w)
            cpus.append(Clock.cpu() - c)
        }
        if case .nil = last {} else { out("\(last.repr)\n") }
        if repeats == 1 {
            out("wall \(formatSeconds(walls[0])), cpu \(formatSeconds(cpus[0]))\n")
        } else {
            let mean = walls.reduce(0, +) / Double(repeats)
            let sd = (walls.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(repeats - 1)).squareRoot()
            out("wall \(formatSeconds(mean)) ± \(formatSeconds(sd)) (mean ± sd of \(repeats) runs), cpu \(formatSeconds(cpus.reduce(0, +) / Double(repeats))) mean\n")
        }
    }

    /// `:vars`: name, type, shape or length, and memory of every variable.
    func variablesTable() -> String {
        let names = interpreter.main.definedNames.filter { $0 != "_" && !($0.hasPrefix("_") && Int($0.dropFirst()) != nil) }
        guard !names.isEmpty else { return "no variables\n" }
        var rows: [[String]] = [["name", "type", "shape/len", "memory"]]
        for name in names {
            guard let v = interpreter.main.value(of: name) else { continue }
            rows.append([name, v.typeName, shapeText(v), memoryText(v)])
        }
        let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(widths[$0.offset]) }.joined(separator: "  ").trimmingTrailingSpace()
        }.joined(separator: "\n") + "\n"
    }

    private func shapeText(_ v: Value) -> String {
        switch v {
        case .tensor(let t): return "[" + t.shape.map(String.init).joined(separator: ", ") + "]"
        case .list(let l): return "\(l.items.count)"
        case .dict(let d): return "\(d.entries.count)"
        case .string(let s): return "\(s.count)"
        case .range(let r): return "\(r.count)"
        case .object(let o as SizedObject): return "\(o.count)"
        default: return ""
        }
    }

    private func memoryText(_ v: Value) -> String {
        switch v {
        case .tensor(let t): return formatBytes(t.count * 4)
        case .list(let l): return formatBytes(l.items.count * 32)
        case .string(let s): return formatBytes(s.utf8.count)
        default: return ""
        }
    }

    static let generalHelp = """
        tx \(txVersion) — a scripting REPL for studying how features transfer.
        Type code to run it; a block or bracket left open continues on the next line.
        Results echo as [N]: …; _ is the last result and _N the result of input N;
        a trailing ';' hides the echo.

        Commands:
          :help [name]     this text, or a built-in's signature, summary and example (also ?name)
          :vars            variables with type, shape and memory
          :time [N] expr   wall and CPU time of expr (mean ± sd over N runs)
          :load FILE       run a .tx file in this session
          :save FILE       write this session's successful inputs as a .tx script
          :reset           clear all variables
          :quit            leave (Ctrl-D too)

        Keys: Tab completes names, members after '.', keyword arguments, paths in strings;
        Up/Down search history by the typed prefix; Ctrl-R searches incrementally;
        Ctrl-C clears the line or interrupts running code.
        """

    // MARK: - Completion

    /// What Tab offers for `word`, the text being completed, given the line
    /// up to the cursor. Nil means "complete a file path".
    public func completions(linePrefix: String, word: String) -> [String]? {
        if insideString(linePrefix) { return nil }
        if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot]), partial = String(word[word.index(after: dot)...])
            guard let value = lookupChain(base) else { return [] }
            return memberNames(value).filter { $0.hasPrefix(partial) }.map { base + "." + $0 }.sorted()
        }
        var candidates = Set(TokenKind.keywordNames + Builtins.functionNames + interpreter.main.definedNames)
        if let callee = enclosingCall(linePrefix) {
            for p in parameterNames(callee) { candidates.insert(p + ":") }
        }
        return candidates.filter { $0.hasPrefix(word) && !$0.isEmpty }.sorted()
    }

    private func insideString(_ s: String) -> Bool {
        var quote: Character?
        var escaped = false
        for c in s {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c }
        }
        return quote != nil
    }

    private func lookupChain(_ path: String) -> Value? {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first, var value = interpreter.main.value(of: first) else { return nil }
        for p in parts.dropFirst() {
            guard let next = try? interpreter.member(of: value, p) else { return nil }
            value = next
        }
        return value
    }

    private func memberNames(_ v: Value) -> [String] {
        var names = Builtins.methods[v.typeName].map { Array($0.keys) } ?? []
        if case .dict(let d) = v { names += d.entries.keys.filter { isPlainName($0) } }
        if case .object(let o) = v { names += o.memberNames }
        return Array(Set(names))
    }

    private func isPlainName(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber } && !(s.first?.isNumber ?? true)
    }

    /// The name before the innermost unclosed '(' (e.g. `fit` in `fit(m, ep`).
    private func enclosingCall(_ s: String) -> String? {
        var level = 0
        let chars = Array(s)
        var i = chars.count - 1
        while i >= 0 {
            let c = chars[i]
            if c == ")" || c == "]" || c == "}" { level += 1 }
            else if c == "(" || c == "[" || c == "{" {
                if level == 0 {
                    guard c == "(" else { return nil }
                    var j = i - 1
                    while j >= 0, chars[j] == "_" || chars[j] == "." || chars[j].isLetter || chars[j].isNumber { j -= 1 }
                    let name = String(chars[(j + 1)..<i])
                    return name.isEmpty ? nil : name
                }
                level -= 1
            }
            i -= 1
        }
        return nil
    }

    private func parameterNames(_ callee: String) -> [String] {
        let last = String(callee.split(separator: ".").last ?? "")
        if !callee.contains("."), let v = interpreter.main.value(of: callee) {
            if case .function(let f) = v { return interpreter.parameterNames(of: f) }
        }
        return Builtins.lookup(last).first?.parameters.filter { !$0.isVariadic }.map(\.name) ?? []
    }
}

func formatSeconds(_ s: Double) -> String {
    if s < 1e-3 { return "\(Int((s * 1e6).rounded())) µs" }
    if s < 1 { return "\(Int((s * 1e3).rounded())) ms" }
    return "\(Double(Int(s * 100)) / 100) s"
}

func formatBytes(_ n: Int) -> String {
    if n < 1024 { return "\(n) B" }
    if n < 1 << 20 { return "\(Double(n * 10 / 1024) / 10) KiB" }
    if n < 1 << 30 { return "\(Double(n * 10 / (1 << 20)) / 10) MiB" }
    return "\(Double(n * 10 / (1 << 30)) / 10) GiB"
}

extension String {
    func trimmingTrailingSpace() -> String {
        var s = Substring(self)
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
    func trimmingLeadingSpace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        return String(s)
    }
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
