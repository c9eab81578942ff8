import Foundation
import Testing

/// Runs every `tests/lang/*.tx` and `examples/*.tx` through the built `tx`
/// binary and checks the expectations written beside the code, in the style
/// of Crafting Interpreters' test suite:
///
///     print(1 + 2)            # expect: 3
///     x = [1][5]              # expect error: index 5 is out of range for a list of length 1
///     # expect exit: 65
///
/// `expect:` lines must match stdout line by line, in order (a script with
/// none only has to run without error, like a demo that asserts its results). `expect error:`
/// must equal the diagnostic's first line after "error: ", and when it is
/// written beside code, the diagnostic must point at that line. The exit
/// status defaults to 0, or 1 (65 for syntax errors) when an error is expected.
struct GoldenScript: CustomTestStringConvertible, Sendable {
    let path: String
    var testDescription: String { String(path.split(separator: "/").suffix(2).joined(separator: "/")) }
}

enum Repo {
    /// The package root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `tx` binary under test: `$TX_BIN`, else the debug build.
    static var txBinary: String {
        if let bin = ProcessInfo.processInfo.environment["TX_BIN"], !bin.isEmpty { return bin }
        return root + "/.build/debug/tx"
    }

    static func scripts(in folder: String) -> [GoldenScript] {
        let dir = root + "/" + folder
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".tx") }.sorted().map { GoldenScript(path: dir + "/" + $0) }
    }
}

struct ProcessResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `tx` with arguments (and optional stdin) in `directory`, with a time limit.
func runTx(_ arguments: [String], stdin: String? = nil, directory: String? = nil,
           environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Repo.txBinary)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    env["TX_PREVIEW"] = "0"
    env["TX_HISTORY"] = "/dev/null"
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty script cannot fill one and block.
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let deadline = Date().addingTimeInterval(timeout)
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    while reader.isExecuting || !reader.isFinished { usleep(1_000) }
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

struct Expectations {
    var lines: [String] = []
    var error: (message: String, line: Int?)?
    var exit: Int32?

    init(source: String) {
        for (i, raw) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            guard let hash = line.range(of: "# expect") else { continue }
            let code = line[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            let rest = line[hash.lowerBound...]
            if rest.hasPrefix("# expect: ") {
                lines.append(String(rest.dropFirst("# expect: ".count)))
            } else if rest == "# expect:" {
                lines.append("")
            } else if rest.hasPrefix("# expect error: ") {
                error = (String(rest.dropFirst("# expect error: ".count)), code.isEmpty ? nil : i + 1)
            } else if rest.hasPrefix("# expect exit: ") {
                exit = Int32(rest.dropFirst("# expect exit: ".count).trimmingCharacters(in: .whitespaces))
            }
        }
    }
}

func checkGolden(_ script: GoldenScript) throws {
    let source = try String(contentsOfFile: script.path, encoding: .utf8)
    let expected = Expectations(source: source)
    // A scratch working directory: scripts that write files (figures) leave nothing in the tree.
    let directory = NSTemporaryDirectory() + "tx-golden-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let result = try runTx([script.path], directory: directory)
    var out = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if out.last == "" { out.removeLast() }
    // A demo without any `# expect:` line only has to run cleanly (it checks itself with assert).
    if !(expected.lines.isEmpty && expected.error == nil) {
        #expect(out == expected.lines, "stdout of \(script.testDescription); stderr: \(result.stderr)")
    }
    if let (message, line) = expected.error {
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first == "error: " + message, "first stderr line of \(script.testDescription)")
        if let line {
            #expect(result.stderr.contains(":\(line):"), "error should point at line \(line): \(result.stderr)")
        }
    } else {
        #expect(result.stderr.isEmpty, "unexpected stderr from \(script.testDescription): \(result.stderr)")
    }
    let defaultExit: Int32 = expected.error == nil ? 0 : 1
    #expect(result.status == (expected.exit ?? defaultExit), "exit status of \(script.testDescription)")
}

@Suite("Golden scripts")
struct GoldenScriptTests {
    @Test("language tests", arguments: Repo.scripts(in: "tests/lang"))
    func language(_ script: GoldenScript) throws { try checkGolden(script) }

    @Test("examples run", arguments: Repo.scripts(in: "examples"))
    func example(_ script: GoldenScript) throws { try checkGolden(script) }
}
