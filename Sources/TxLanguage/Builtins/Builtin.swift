import TxTensor

/// One built-in function or method, declared in one place: its signature
/// (written as users see it, e.g. `sorted(xs, key = nil, reverse = false)`),
/// a one-line summary, a runnable example and the implementation. `:help`,
/// `?name`, completion and keyword-argument checking all read this.
public final class Builtin: @unchecked Sendable {
    /// A parameter: required, with a default, or variadic (`...shape`).
    public struct Parameter: @unchecked Sendable {
        public let name: String
        /// The default's source text (`nil`, `0`, `"cosine"`); nil when required.
        public let defaultText: String?
        public let isVariadic: Bool
        let defaultValue: Value?
    }

    public let name: String
    /// For methods: the type whose values have it (`list`, `tensor`, …).
    public let receiverType: String?
    public let signature: String
    public let parameters: [Parameter]
    public let summary: String
    public let example: String
    let body: (Arguments) throws -> Value
    /// An optional shortcut for hot built-ins, called when every parameter is
    /// given positionally: (receiver, arguments in parameter order). It skips
    /// argument binding; it must behave exactly like `body`.
    private(set) var fast: ((Value?, UnsafeBufferPointer<Value>) throws -> Value)?

    /// Adds the positional shortcut (see `fast`).
    func fast(_ f: @escaping (Value?, UnsafeBufferPointer<Value>) throws -> Value) -> Builtin {
        fast = f
        return self
    }

    /// Declares a function. `signature` is `name(params)`; a parameter is
    /// `name`, `name = default` (a literal) or `...name` (the rest, positional).
    public init(_ signature: String, _ summary: String, example: String,
                receiver: String? = nil, _ body: @escaping (Arguments) throws -> Value) {
        let open = signature.firstIndex(of: "(") ?? signature.endIndex
        self.name = String(signature[..<open])
        self.receiverType = receiver
        self.isProperty = receiver != nil && open == signature.endIndex
        self.isConstant = receiver == nil && open == signature.endIndex
        self.signature = signature
        self.summary = summary
        self.example = example
        self.body = body
        var params: [Parameter] = []
        if open < signature.endIndex {
            let inner = signature[signature.index(after: open)..<(signature.lastIndex(of: ")") ?? signature.endIndex)]
            for raw in splitTopLevel(String(inner)) {
                let text = raw.trimmingSpaces
                guard !text.isEmpty else { continue }
                if text.hasPrefix("...") {
                    params.append(Parameter(name: String(text.dropFirst(3)), defaultText: nil, isVariadic: true, defaultValue: nil))
                } else if let eq = text.firstIndex(of: "=") {
                    let name = String(text[..<eq]).trimmingSpaces
                    let d = String(text[text.index(after: eq)...]).trimmingSpaces
                    params.append(Parameter(name: name, defaultText: d, isVariadic: false, defaultValue: literalValue(d)))
                } else {
                    params.append(Parameter(name: text, defaultText: nil, isVariadic: false, defaultValue: nil))
                }
            }
        }
        self.parameters = params
    }

    /// Where the `...name` parameter is (parameters after it are keyword-only).
    private var variadicIndex: Int? { parameters.firstIndex { $0.isVariadic } }

    /// Checks call arguments against the parameters, without copying them:
    /// `Arguments` reads positional values, keywords and defaults in place.
    /// - Throws: a clear error for a missing argument, too many arguments, or an
    ///   unknown keyword (listing the valid ones and the nearest match).
    func bind(_ positional: [Value], _ keywords: [(String, Value)], interp: Interpreter,
              receiver: Value?) throws -> Arguments {
        let fixed = variadicIndex ?? parameters.count  // positional slots before any `...rest`
        if variadicIndex == nil && positional.count > fixed {
            throw TxError.runtime(arityMessage(displayName, fixed, positional.count) + " (signature: \(signature))")
        }
        for (key, _) in keywords {
            guard let i = parameters.firstIndex(where: { $0.name == key && !$0.isVariadic }) else {
                let valid = parameters.filter { !$0.isVariadic }.map(\.name)
                let list = valid.isEmpty ? "it takes none" : "valid: " + valid.joined(separator: ", ")
                throw TxError.runtime("\(displayName)() has no keyword argument '\(key)' (\(list))\(didYouMean(key, valid))")
            }
            if i < min(fixed, positional.count) || keywords.filter({ $0.0 == key }).count > 1 {
                throw TxError.runtime("\(displayName)() got two values for '\(key)'")
            }
        }
        for (i, param) in parameters.enumerated()
        where !param.isVariadic && param.defaultValue == nil && i >= min(fixed, positional.count)
            && !keywords.contains(where: { $0.0 == param.name }) {
            throw TxError.runtime("\(displayName)() is missing argument '\(param.name)' (signature: \(signature))")
        }
        let rest = positional.count > fixed ? Array(positional[fixed...]) : []
        return Arguments(builtin: self, positional: positional, fixed: fixed, keywords: keywords,
                         rest: rest, interp: interp, receiver: receiver)
    }

    /// Calls the built-in with unbound arguments.
    public func call(_ interp: Interpreter, _ positional: [Value], _ keywords: [(String, Value)],
                     receiver: Value? = nil) throws -> Value {
        try body(try bind(positional, keywords, interp: interp, receiver: receiver))
    }

    var displayName: String { receiverType.map { "\($0).\(name)" } ?? name }

    /// A method declared without parentheses (`shape`) is a property: `t.shape`.
    public let isProperty: Bool
    /// A free name declared without parentheses (`pi`) is a constant.
    public let isConstant: Bool
}

/// The arguments of one built-in call, bound to parameters, with typed
/// accessors whose errors name the function and the parameter.
public struct Arguments {
    let builtin: Builtin
    /// The call's positional values; the first `fixed` fill parameters in order.
    let positional: [Value]
    let fixed: Int
    let keywords: [(String, Value)]
    /// Values collected by a `...name` parameter.
    public let rest: [Value]
    public let interp: Interpreter
    /// The receiver of a method call.
    public let receiver: Value?

    private func index(_ name: String) -> Int {
        guard let i = builtin.parameters.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("built-in \(builtin.name) has no parameter \(name)")
        }
        return i
    }

    /// The value of a parameter: given positionally, by keyword, or its default.
    public subscript(_ name: String) -> Value {
        let i = index(name)
        if i < fixed && i < positional.count { return positional[i] }
        for (key, value) in keywords where key == name { return value }
        return builtin.parameters[i].defaultValue ?? .nil
    }

    /// `nil` when the parameter is nil.
    public func optional(_ name: String) -> Value? {
        if case .nil = self[name] { return nil }
        return self[name]
    }

    func fail(_ name: String, _ expected: String, _ got: Value) -> TxError {
        TxError.runtime("\(builtin.displayName)(): '\(name)' must be \(expected), got \(got.typeName)")
    }

    public func number(_ name: String) throws -> Double {
        let v = self[name]
        if case .number(let x) = v { return x }
        if case .bool(let b) = v { return b ? 1 : 0 }
        if case .tensor(let t) = v, t.count == 1 { return widen(t.data[0]) }
        throw fail(name, "a number", v)
    }

    /// An integral number that fits an Int (never traps on NaN or huge values).
    public func int(_ name: String) throws -> Int {
        let x = try number(name)
        guard let i = exactInt(x) else {
            let why = x.isFinite && x == x.rounded() ? "is out of range" : "must be a whole number"
            throw TxError.runtime("\(builtin.displayName)(): '\(name)' \(why), got \(formatNumber(x))")
        }
        return i
    }

    public func bool(_ name: String) throws -> Bool {
        let v = self[name]
        if case .bool(let b) = v { return b }
        if case .nil = v { return false }
        throw fail(name, "true or false", v)
    }

    public func string(_ name: String) throws -> String {
        let v = self[name]
        if case .string(let s) = v { return s }
        throw fail(name, "a string", v)
    }

    public func function(_ name: String) throws -> Function {
        let v = self[name]
        if case .function(let f) = v { return f }
        throw fail(name, "a function", v)
    }

    public func list(_ name: String) throws -> ListObject {
        let v = self[name]
        if case .list(let l) = v { return l }
        throw fail(name, "a list", v)
    }

    /// A tensor, converting numbers and (nested) lists of numbers.
    public func tensor(_ name: String) throws -> Tensor {
        let v = self[name]
        do { return try toTensor(v) } catch let e as TensorError {
            throw TxError.runtime("\(builtin.displayName)(): '\(name)': \(e.message)")
        } catch let e as TxError {
            throw TxError.runtime("\(builtin.displayName)(): '\(name)': \(e.message)")
        }
    }

    /// Calls a tx function value with positional arguments.
    public func call(_ f: Function, _ args: Value...) throws -> Value {
        try f.call(interp, args, [])
    }
}

/// `Int(x)` without the trap: nil for NaN, infinities, fractions and huge values.
public func exactInt(_ x: Double) -> Int? {
    guard x.isFinite, x == x.rounded(), abs(x) < 9.0e15 else { return nil }
    return Int(x)
}

/// Converts numbers, bools, tensors and nested lists of numbers to a tensor.
func toTensor(_ v: Value) throws -> Tensor {
    switch v {
    case .tensor(let t): return t
    case .number(let x): return Tensor(scalar: Float(x))
    case .bool(let b): return Tensor(scalar: b ? 1 : 0)
    case .range(let r):
        _ = try Tensor.elementCount([r.count])
        return Tensor(shape: [r.count], data: (0..<r.count).map { Float(r[$0]) })
    case .list:
        return try Tensor.fromNested(nested(v, depth: 0))
    default:
        throw TxError.runtime("expected a tensor or a list of numbers, got \(v.typeName)")
    }
}

private func nested(_ v: Value, depth: Int) throws -> NestedArray {
    switch v {
    case .number(let x): return .scalar(x)
    case .bool(let b): return .scalar(b ? 1 : 0)
    case .list(let l):
        guard depth < Tensor.maxDimensions else {
            throw TxError.runtime("a tensor has at most \(Tensor.maxDimensions) dimensions; these lists nest deeper")
        }
        return .list(try l.items.map { try nested($0, depth: depth + 1) })
    case .tensor(let t): return t.toNested()
    case .range(let r):
        _ = try Tensor.elementCount([r.count])
        return .list((0..<r.count).map { .scalar(r[$0]) })
    default: throw TxError.runtime("a tensor can only hold numbers, found \(v.typeName)")
    }
}

/// Parses a default's literal text.
private func literalValue(_ text: String) -> Value {
    switch text {
    case "nil": return .nil
    case "true": return .bool(true)
    case "false": return .bool(false)
    default:
        if let x = Double(text.replacingOccurrences(of: "_", with: "")) { return .number(x) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { return .string(String(text.dropFirst().dropLast())) }
        if text == "[]" { return .list(ListObject([])) }
        return .string(text)
    }
}

/// Splits on commas that are not inside brackets or quotes.
private func splitTopLevel(_ s: String) -> [String] {
    var parts: [String] = [], current = "", level = 0, inQuote = false
    for c in s {
        if c == "\"" { inQuote.toggle() }
        if !inQuote {
            if "([{".contains(c) { level += 1 } else if ")]}".contains(c) { level -= 1 }
            if c == "," && level == 0 { parts.append(current); current = ""; continue }
        }
        current.append(c)
    }
    parts.append(current)
    return parts
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return self.split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
