import Foundation
import Testing
import TxLanguage

/// Every built-in's `:help` example is real code that runs.
@Suite("Built-in registry")
struct BuiltinRegistryTests {
    static var allBuiltins: [Builtin] {
        Builtins.functions.values.sorted { $0.name < $1.name }
            + Builtins.methods.keys.sorted().flatMap { type in
                Builtins.methods[type]!.values.sorted { $0.name < $1.name }
            }
    }

    @Test func everyExampleRuns() throws {
        let directory = NSTemporaryDirectory() + "tx-examples-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(directory)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        for builtin in Self.allBuiltins {
            let interp = Interpreter()
            interp.write = { _ in }
            // Methods' examples may use a receiver named in the example itself.
            interp.main.set("xs", .list(ListObject([.number(3), .number(1)])))
            interp.main.set("d", .dict(DictObject(["a": .number(1)])))
            interp.main.set("t", .tensor(try! TxTensorShim.small()))
            try? FileManager.default.removeItem(atPath: directory + "/notes.txt")
            FileManager.default.createFile(atPath: directory + "/notes.txt", contents: Data("hello\n".utf8))
            FileManager.default.createFile(atPath: directory + "/data.csv", contents: Data("a\n1\n".utf8))
            do {
                _ = try interp.run(builtin.example, name: "<example of \(builtin.name)>")
            } catch {
                Issue.record("example of \(builtin.receiverType.map { $0 + "." } ?? "")\(builtin.name) failed: \(builtin.example)\n\(error)")
            }
        }
    }

    @Test func everyBuiltinHasASummaryAndExample() {
        for b in Self.allBuiltins {
            #expect(!b.summary.isEmpty, "\(b.name) has no summary")
            #expect(!b.example.isEmpty, "\(b.name) has no example")
        }
    }

    @Test func helpShowsSignatureSummaryAndExample() {
        let text = Builtins.help("sorted")
        #expect(text.contains("sorted(xs, key = nil, reverse = false)"))
        #expect(text.contains("example:"))
        #expect(Builtins.help("sortd").contains("did you mean") && Builtins.help("sortd").contains("'sorted'"))
    }

    @Test func unknownKeywordListsTheValidOnes() {
        let interp = Interpreter()
        do {
            _ = try interp.run("sorted([2, 1], reversed: true)", name: "<t>")
            Issue.record("expected an error")
        } catch let e as TxError {
            #expect(e.message == "sorted() has no keyword argument 'reversed' (valid: xs, key, reverse); did you mean 'reverse'?")
        } catch { Issue.record("\(error)") }
    }
}

import TxTensor
enum TxTensorShim {
    static func small() throws -> Tensor { try Tensor(validating: [2, 2], data: [1, 2, 3, 4]) }
}
