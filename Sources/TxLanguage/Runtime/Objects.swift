/// The value `catch e` binds: `e.message`, `e.line`, `e.column`, `e.file`.
final class ErrorObject: NativeObject {
    let error: TxError
    init(_ error: TxError) { self.error = error }
    var typeName: String { "error" }
    var display: String { "error: \(error.message)" }
    var memberNames: [String] { ["message", "line", "column", "file"] }
    func member(_ name: String, _ interp: Interpreter) throws -> Value? {
        switch name {
        case "message": return .string(error.message)
        case "line": return error.location.map { .number(Double($0.line)) } ?? .nil
        case "column": return error.location.map { .number(Double($0.column)) } ?? .nil
        case "file": return error.file.map { .string($0.name) } ?? .nil
        default: return nil
        }
    }
}

/// An imported module: its top-level names are its members.
final class ModuleObject: NativeObject {
    let module: Module
    init(_ module: Module) { self.module = module }
    var typeName: String { "module" }
    var display: String { "<module \(module.name)>" }
    var memberNames: [String] { module.definedNames }
    func member(_ name: String, _ interp: Interpreter) throws -> Value? { module.value(of: name) }
}
