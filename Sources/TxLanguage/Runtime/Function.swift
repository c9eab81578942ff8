/// Anything callable: a tx closure, a built-in, a built-in method bound to
/// its receiver. A class hierarchy (not a protocol) so the call path can test
/// `isClosure` and skip dynamic casts.
public class Function {
    /// Shown in errors and the call stack.
    public let name: String
    let isClosure: Bool

    init(name: String, isClosure: Bool) {
        self.name = name
        self.isClosure = isClosure
    }

    /// How the value prints: `<fn square>`, `<built-in fn len>`.
    public var displayName: String { "<fn \(name)>" }

    /// Calls with evaluated arguments.
    public func call(_ interp: Interpreter, _ positional: [Value], _ keywords: [(String, Value)]) throws -> Value {
        fatalError("Function.call is abstract")
    }
}

/// A built-in function, or a built-in method with its receiver bound.
public final class BuiltinFunction: Function {
    public let spec: Builtin
    public let receiver: Value?

    public init(_ spec: Builtin, receiver: Value? = nil) {
        self.spec = spec
        self.receiver = receiver
        super.init(name: spec.name, isClosure: false)
    }

    public override var displayName: String {
        receiver == nil ? "<built-in fn \(name)>" : "<method \(spec.receiverType ?? "").\(name)>"
    }

    public override func call(_ interp: Interpreter, _ positional: [Value], _ keywords: [(String, Value)]) throws -> Value {
        let args = try spec.bind(positional, keywords, interp: interp, receiver: receiver)
        return try spec.body(args)
    }
}
