/// Runs tx code. One interpreter is one session: the main module's
/// variables, the modules imported so far, and the output sink.
public final class Interpreter {
    // Control-flow state the nodes share (see `Unwind`).
    var unwind: Unwind = .none
    var returnValue: Value = .nil
    var depth = 0
    /// Calls nested deeper than this raise an error instead of crashing.
    public var maxDepth = 3000

    /// The session's (or script's) top-level variables.
    public let main: Module
    private var modules: [String: Module] = [:]
    private var loading: [String] = []
    /// The value stack: variables of calls to functions that make no closures.
    let stack: UnsafeMutablePointer<Value>
    var stackTop = 0
    var stackInitialized = 0
    let stackCapacity = 1 << 20
    /// Top-level code keeps its variables in the module, so its env is empty.
    private let topSlot = UnsafeMutablePointer<Value>.allocate(capacity: 1)

    /// Where `print` writes. The REPL and scripts write to stdout; tests
    /// and notebooks capture.
    public var write: (String) -> Void = { text in
        var text = text
        text.withUTF8 { buffer in _ = fwrite(buffer.baseAddress, 1, buffer.count, stdout) }
    }

    /// Evaluates constant built-ins (`pi`) at compile time.
    nonisolated(unsafe) static let constantsInterpreter = Interpreter(mainName: "constants")

    /// Directories searched by `import name` before the importing file's own.
    public var stdlibPaths: [String]

    public init(mainName: String = "main") {
        main = Module(name: mainName, file: nil)
        // Reserved address space; pages are touched only as deep as calls go.
        stack = UnsafeMutablePointer<Value>.allocate(capacity: stackCapacity)
        topSlot.initialize(to: .nil)
        stdlibPaths = Interpreter.defaultStdlibPaths()
    }

    /// Parses, compiles and runs source text in the main module.
    /// - Returns: the value of the last statement if it is an expression.
    /// - Throws: `TxError` (.syntax before anything runs, .runtime, .interrupted).
    @discardableResult
    public func run(_ source: String, name: String) throws -> Value {
        // Names in <…> (REPL input, -e code, stdin) are not files.
        let outer = scriptPath
        if outer == nil && !name.hasPrefix("<") { scriptPath = name }
        defer { scriptPath = outer }
        return try run(SourceFile(name: name, text: source), in: main)
    }

    /// The script or notebook file being run, as its path was given; nil in
    /// the REPL and for `-e` or stdin code. Imports don't change it: a module's
    /// code runs on behalf of the script that imported it. Saved figures
    /// record its file name.
    public private(set) var scriptPath: String?

    /// Parses a file's text without running it (for the REPL's "is this input complete?").
    public static func parseCheck(_ source: String, name: String) throws {
        _ = try Parser.parse(SourceFile(name: name, text: source))
    }

    func run(_ file: SourceFile, in module: Module) throws -> Value {
        let statements = try Parser.parse(file)
        let program = try Compiler.compile(statements, file: file, module: module)
        unwind = .none
        depth = 0
        defer { unwind = .none; returnValue = .nil }
        do {
            let value = try program.eval(Env(slots: topSlot, parent: nil, frame: nil), self)
            try checkInterrupt()
            return value
        } catch let e as TxError {
            throw e
        } catch {
            throw program.locate(error)
        }
    }

    /// Runs an imported module once per session and returns it.
    func importModule(_ name: String, isPath: Bool, from file: SourceFile) throws -> Module {
        let baseDir = FileSystem.directory(of: file.name.hasPrefix("<") ? "./x" : file.name)
        var candidates: [String] = []
        if isPath {
            candidates = [FileSystem.join(baseDir, name)]
        } else {
            candidates = stdlibPaths.map { FileSystem.join($0, name + ".tx") } + [FileSystem.join(baseDir, name + ".tx")]
        }
        guard let path = candidates.lazy.compactMap(FileSystem.realPath).first else {
            if isPath { throw TxError.runtime("no file '\(name)' to import (paths are relative to the importing file)") }
            throw TxError.runtime("no module '\(name)': no \(name).tx in the stdlib or beside the importing file")
        }
        if let m = modules[path] { return m }
        if loading.contains(path) {
            throw TxError.runtime("circular import of '\(name)' (\((loading + [path]).joined(separator: " → ")))")
        }
        loading.append(path)
        defer { loading.removeLast() }
        let source = try FileSystem.readText(path)
        let moduleName = isPath ? String(path.split(separator: "/").last ?? "") : name
        let module = Module(name: moduleName, file: nil)
        let savedDepth = depth
        defer { depth = savedDepth }
        _ = try run(SourceFile(name: path, text: source), in: module)
        modules[path] = module
        return module
    }

    /// `$TX_STDLIB`, then `stdlib/` beside an installed or freshly built
    /// binary, then the source tree this binary was built from.
    static func defaultStdlibPaths() -> [String] {
        var paths: [String] = []
        if let env = FileSystem.environment("TX_STDLIB") { paths.append(env) }
        if let exe = FileSystem.executablePath {
            let bin = FileSystem.directory(of: exe)
            paths.append(FileSystem.join(bin, "../share/tx/stdlib"))
            paths.append(FileSystem.join(bin, "../../stdlib"))        // .build/<config>/tx
            paths.append(FileSystem.join(bin, "../../../stdlib"))     // .build/<triple>/<config>/tx
        }
        let source = #filePath  // <repo>/Sources/TxLanguage/Session/Interpreter.swift
        var root = source
        for _ in 0..<4 { root = FileSystem.directory(of: root) }
        paths.append(FileSystem.join(root, "stdlib"))
        return paths
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension Interpreter {
    /// `value.name` as tx evaluates it (for completion and tools).
    public func member(of value: Value, _ name: String) throws -> Value {
        try getMember(value, name, self)
    }

    /// Parameter names of a function value (for keyword completion).
    public func parameterNames(of function: Function) -> [String] {
        if let c = function as? Closure { return c.proto.parameterNames }
        if let b = function as? BuiltinFunction { return b.spec.parameters.filter { !$0.isVariadic }.map(\.name) }
        return []
    }
}

extension Module {
    /// Forgets every variable (`:reset`). Slots stay allocated, so code
    /// compiled earlier stays valid; it just finds its names undefined.
    public func reset() {
        for i in values.indices { values[i] = .nil; defined[i] = false }
    }
}
