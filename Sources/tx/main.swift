import ArgumentParser
import CSupport
import TxLanguage
import TxREPL
#if canImport(Glibc)
import Glibc
#endif

/// The `tx` command line: a script, `-e CODE`, `-i FILE`, or the REPL.
/// Exit status: 0 success, 1 runtime error, 2 usage error, 65 syntax error,
/// 130 interrupted.
struct TxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "tx — a scripting REPL for studying how neural-network features transfer.",
        discussion: """
            With no arguments, starts the REPL (or runs a script read from stdin when \
            stdin is not a terminal). `tx FILE.tx [ARGS…]` runs a script; `args` holds ARGS. \
            `tx notebook FILE.tx -o report.html` (or .ipynb) runs its `# %%` cells and writes a report.
            """,
        version: "tx \(txVersion)")

    @Option(name: .customShort("e"), help: ArgumentHelp("Run CODE and exit.", valueName: "CODE"))
    var code: String?

    @Flag(name: .customShort("i"), help: "Run FILE, then stay in the REPL with its variables.")
    var interactive = false

    @Argument(help: "A .tx script to run.")
    var file: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the script (its `args` list).")
    var arguments: [String] = []

    func runTx() -> Int32 {
        let interp = Interpreter()
        // With -e, every positional word is an argument for the code.
        let scriptArguments = code != nil ? (file.map { [$0] } ?? []) + arguments : arguments
        interp.main.set("args", .list(ListObject(scriptArguments.map { .string($0) })))
        // Kept alive until exit: tearing down a session's values is work
        // (and deep structures) the process can skip.
        keepAlive = interp
        tx_install_sigint_handler()
        if let code {
            return execute(interp, source: code, name: "<-e>")
        }
        if let file {
            let source: String
            do { source = try FileSystem.readText(file) } catch {
                let why = !FileSystem.exists(file) ? "no such file" : FileSystem.isDirectory(file) ? "it is a directory" : "not readable"
                writeError("tx: can't open file '\(file)': \(why)")
                return 2
            }
            let status = execute(interp, source: source, name: file)
            if interactive && status != 65 {
                return REPL(interpreter: interp).run()
            }
            return status
        }
        if interactive {
            writeError("tx: -i needs a FILE to run first")
            return 2
        }
        if isatty(0) == 0 {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(0, &buffer, buffer.count)
                if n <= 0 { break }
                bytes.append(contentsOf: buffer[0..<n])
            }
            return execute(interp, source: String(decoding: bytes, as: UTF8.self), name: "<stdin>")
        }
        return REPL(interpreter: interp).run()
    }

    private func execute(_ interp: Interpreter, source: String, name: String) -> Int32 {
        do {
            try interp.run(source, name: name)
            return 0
        } catch let e as TxError {
            fflush(stdout)
            writeError(e.description)
            switch e.kind {
            case .syntax: return 65
            case .runtime: return 1
            case .interrupted: return 130
            }
        } catch {
            writeError("error: \(error)")
            return 1
        }
    }
}

nonisolated(unsafe) var keepAlive: Interpreter?

func writeError(_ text: String) {
    fputs(text + "\n", stderr)
}

let status: Int32
let words = Array(CommandLine.arguments.dropFirst())
tx_configure_malloc()
do {
    if words.first == "notebook" {
        let command = try NotebookCommand.parse(Array(words.dropFirst()))
        status = runWithLargeStack { command.runNotebook() }
    } else {
        let command = try TxCommand.parse(words)
        status = runWithLargeStack { command.runTx() }
    }
} catch {
    let usage: ParsableCommand.Type = words.first == "notebook" ? NotebookCommand.self : TxCommand.self
    let code = usage.exitCode(for: error)
    let message = usage.fullMessage(for: error)
    if code == .success {
        print(message)
        status = 0
    } else {
        writeError(message)
        status = 2
    }
}
fflush(stdout)
exit(status)
