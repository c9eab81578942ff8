/// A compiled tx function: its parameters, frame size and body.
final class FunctionProto {
    let name: String
    let parameterNames: [String]
    /// `parameterNames.count`, kept apart for the call path.
    let parameterCount: Int
    /// Default-value nodes, evaluated in the callee's frame (nil = required).
    let defaults: [Node?]
    var slotCount: Int = 0
    /// The body, set once compiled (closures copy it into a `let`).
    var body: Node!
    let file: SourceFile
    /// Defined at a module's top level: it sees globals, needs no parent frame.
    let isTopLevel: Bool
    /// It makes closures, which may outlive the call: its variables live in
    /// a heap `Frame` instead of on the value stack.
    var needsHeapFrame = false
    /// Some parameter has a default value.
    let hasDefaults: Bool

    /// `name(a, b = …)`, for messages.
    var signature: String {
        "\(name)(" + zip(parameterNames, defaults).map { $1 == nil ? $0 : "\($0) = …" }.joined(separator: ", ") + ")"
    }

    init(name: String, parameterNames: [String], defaults: [Node?], file: SourceFile, isTopLevel: Bool) {
        self.name = name; self.parameterNames = parameterNames; self.defaults = defaults
        self.parameterCount = parameterNames.count
        self.hasDefaults = defaults.contains { $0 != nil }
        self.file = file; self.isTopLevel = isTopLevel
    }
}

/// A tx function value: a prototype and the frame it was made in.
final class Closure: Function {
    let proto: FunctionProto
    let env: Frame?
    /// `proto.body`, kept in a `let` so calls through it need no retain.
    let body: Node

    init(_ proto: FunctionProto, env: Frame?) {
        self.proto = proto
        self.env = env
        self.body = proto.body  // closures are made at run time, after compiling
        super.init(name: proto.name, isClosure: true)
    }

    override var displayName: String { "<fn \(name)(\(proto.parameterNames.joined(separator: ", ")))>" }

    /// Calls with evaluated arguments (built-ins calling tx functions, and
    /// calls with keyword arguments): binds them, then runs the body.
    override func call(_ interp: Interpreter, _ positional: [Value], _ keywords: [(String, Value)]) throws -> Value {
        let p = proto
        guard positional.count <= p.parameterCount else {
            throw TxError.runtime(arityMessage(name, p.parameterCount, positional.count))
        }
        var given = [Bool](repeating: false, count: p.parameterCount)
        var keywordSlots: [(Int, Value)] = []
        for (key, v) in keywords {
            guard let i = p.parameterNames.firstIndex(of: key) else {
                throw TxError.runtime("\(name)() has no keyword argument '\(key)' (valid: \(p.parameterNames.joined(separator: ", ")))\(didYouMean(key, p.parameterNames))")
            }
            if i < positional.count || given[i] { throw TxError.runtime("\(name)() got two values for '\(key)'") }
            given[i] = true
            keywordSlots.append((i, v))
        }
        return try interp.invoke(self) { slots in
            for (i, v) in positional.enumerated() { slots[i] = v }
            for (i, v) in keywordSlots { slots[i] = v }
        } given: { i in i < positional.count || given[i] }
    }
}

extension Interpreter {
    /// Gives a call its variables — on the value stack, or in a heap frame
    /// when the function makes closures that may keep them — lets `bind`
    /// store the arguments, fills defaults for parameters not given, and runs
    /// the body (`run`).
    @inline(__always)
    func invoke(_ closure: Closure, bind: (UnsafeMutablePointer<Value>) throws -> Void,
                given: (Int) -> Bool) throws -> Value {
        let p = closure.proto
        if p.needsHeapFrame {
            let frame = Frame.make(count: p.slotCount, parent: closure.env)
            let env = Env(slots: frame.slots, parent: closure.env, frame: frame)
            try bind(env.slots)
            return try withExtendedLifetime(frame) { try run(closure, env, given: given) }
        }
        let slots = try pushFrame(p.slotCount)
        defer { popFrame(slots, p.slotCount) }
        try bind(slots)
        return try run(closure, Env(slots: slots, parent: closure.env, frame: nil), given: given)
    }

    /// Takes `count` nil slots from the value stack. Slots below
    /// `stackInitialized` always hold a value (nil when free), so pushing and
    /// popping are plain stores.
    @inline(__always)
    func pushFrame(_ count: Int) throws -> UnsafeMutablePointer<Value> {
        let top = stackTop + count
        if top > stackInitialized {
            guard top <= stackCapacity else {
                throw TxError.runtime("out of stack space for local variables (calls nested too deeply)")
            }
            (stack + stackInitialized).initialize(repeating: .nil, count: top - stackInitialized)
            stackInitialized = top
        }
        let slots = stack + stackTop
        stackTop = top
        return slots
    }

    /// Returns the slots, letting go of what they held.
    @inline(__always)
    func popFrame(_ slots: UnsafeMutablePointer<Value>, _ count: Int) {
        var i = 0
        while i < count { slots[i] = .nil; i += 1 }
        stackTop -= count
    }

    /// `run` for calls whose first `positional` parameters were given and no others.
    @inline(__always)
    func run(_ closure: Closure, _ env: Env, positional: Int) throws -> Value {
        // All parameters given (the usual case): no defaults to look at.
        if positional == closure.proto.parameterCount { return try run(closure, env, given: { _ in true }) }
        return try run(closure, env, given: { $0 < positional })
    }

    /// Runs a closure's body with its arguments bound: fills defaults for the
    /// parameters not given, guards the recursion depth, polls Ctrl-C, and
    /// turns `return` into the result.
    @inline(__always)
    func run(_ closure: Closure, _ env: Env, given: (Int) -> Bool) throws -> Value {
        let p = closure.proto
        // Counted before defaults run: a default may call the function itself.
        depth += 1
        defer { depth -= 1 }
        if depth > maxDepth {
            throw TxError.runtime("maximum recursion depth (\(maxDepth)) exceeded in \(closure.name)()")
        }
        for i in 0..<p.parameterCount where !given(i) {
            guard let d = p.defaults[i] else {
                throw TxError.runtime("\(closure.name)() is missing argument '\(p.parameterNames[i])' (signature: \(closure.proto.signature))")
            }
            env.slots[i] = try d.eval(env, self)
        }
        try checkInterrupt()
        let result: Value
        do {
            result = try closure.body.eval(env, self)
        } catch var e as TxError where e.location != nil && e.stack.isEmpty && e.kind != .interrupted {
            // The innermost tx frame: where in this function the error happened.
            e.stack.append(TxError.Frame(function: closure.name, file: e.file, location: e.location))
            throw e
        }
        if unwind == .returning {
            unwind = .none
            let r = returnValue
            returnValue = .nil
            return r
        }
        return result
    }
}

/// `f(args)`. Calls to tx closures with positional arguments take a fast
/// path that evaluates the arguments straight into the callee's frame.
///
/// Nodes are reached through `let` properties: Swift calls through those
/// without reference counting, where a reference loaded from an array or an
/// `unowned(unsafe)` field is retained and released around every call.
final class CallNode: Node {
    let callee: Node
    let positional: [Node]
    let keywordNames: [String]
    let keywordValues: [Node]
    /// The first three arguments, for the fast path (see above); past
    /// `positional.count` they repeat `callee` and are never evaluated
    /// (non-optional: binding an optional `let` would retain it).
    private let arg0: Node, arg1: Node, arg2: Node
    /// The function this call sits in, for the call stack.
    let enclosing: String
    /// The callee's module and slot when it is a module variable
    /// (`fib(n - 1)`): its function is read in place, without a node call.
    private let globalModule: Module?
    private let globalSlot: Int
    /// The shortcut of a built-in called by its name with all its
    /// arguments, positionally (`str(x)`, `len(xs)`): the callee is a
    /// constant, so the shortcut is taken once, here.
    private let constantFast: ((Value?, UnsafeBufferPointer<Value>) throws -> Value)?

    init(_ callee: Node, _ positional: [Node], _ keywordNames: [String], _ keywordValues: [Node],
         enclosing: String, _ site: Site) {
        self.callee = callee; self.positional = positional
        arg0 = positional.count > 0 ? positional[0] : callee
        arg1 = positional.count > 1 ? positional[1] : callee
        arg2 = positional.count > 2 ? positional[2] : callee
        let global = callee as? GlobalGet
        globalModule = global?.module
        globalSlot = global?.slot ?? 0
        if let constant = callee as? ConstantNode, case .function(let f) = constant.value,
           let builtin = f as? BuiltinFunction, builtin.receiver == nil, keywordNames.isEmpty,
           positional.count == builtin.spec.parameters.count {
            constantFast = builtin.spec.fast
        } else {
            constantFast = nil
        }
        self.keywordNames = keywordNames; self.keywordValues = keywordValues
        self.enclosing = enclosing
        super.init(site)
    }

    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let function: Function
        if let m = globalModule, case .function(let fn) = m.values[globalSlot] {
            function = fn
        } else if constantFast != nil {
            return try callConstantBuiltin(env, interp)
        } else {
            // Switching on the result itself moves its payload out (no copy).
            switch try callee.eval(env, interp) {
            case .function(let fn): function = fn
            case let f:
                throw locate(TxError.runtime("\(f.typeName) is not callable\(f.typeName == "nil" ? "" : " (value: \(shortRepr(f)))")"))
            }
        }
        if function.isClosure && keywordNames.isEmpty {
            return try callClosure(function, env, interp)
        }
        if !function.isClosure && keywordNames.isEmpty {
            return try callBuiltin(function, env, interp)
        }
        return try callGeneral(function, env, interp)
    }

    /// A built-in called with positional arguments: through its shortcut
    /// (`fast`) when it has one. Not inlined, like `callClosure`.
    @inline(never)
    private func callBuiltin(_ function: Function, _ env: Env, _ interp: Interpreter) throws -> Value {
        let builtin = unsafeDowncast(function, to: BuiltinFunction.self)
        guard let fast = builtin.spec.fast, positional.count == builtin.spec.parameters.count else {
            return try callGeneral(function, env, interp)
        }
        do {
            if positional.count == 1 {
                // One argument (`str(x)`, `len(xs)`): no buffer to set up.
                var x = try arg0.eval(env, interp)
                return try withUnsafePointer(to: &x) { try fast(builtin.receiver, UnsafeBufferPointer(start: $0, count: 1)) }
            }
            return try withEvaluatedArguments(positional, env, interp) { try fast(builtin.receiver, $0) }
        } catch { throw trace(error) }
    }

    /// A built-in named in the source, through its shortcut (`constantFast`).
    @inline(never)
    private func callConstantBuiltin(_ env: Env, _ interp: Interpreter) throws -> Value {
        guard let fast = constantFast else { return .nil }  // the caller checked
        do {
            if positional.count == 1 {
                var x = try arg0.eval(env, interp)
                return try withUnsafePointer(to: &x) { try fast(nil, UnsafeBufferPointer(start: $0, count: 1)) }
            }
            return try withEvaluatedArguments(positional, env, interp) { try fast(nil, $0) }
        } catch { throw trace(error) }
    }

    /// Any call: arguments evaluated into arrays, keywords bound by name.
    private func callGeneral(_ function: Function, _ env: Env, _ interp: Interpreter) throws -> Value {
        let (args, keywords) = try evaluateArguments(positional, keywordNames, keywordValues, env, interp)
        do {
            return try function.call(interp, args, keywords)
        } catch { throw trace(error) }
    }

    /// Calls a tx closure with positional arguments. Not inlined: the
    /// closure arrives borrowed, so nothing retains it again for the call.
    @inline(never)
    private func callClosure(_ function: Function, _ env: Env, _ interp: Interpreter) throws -> Value {
        let closure = unsafeDowncast(function, to: Closure.self)
        let p = closure.proto
        let n = positional.count
        guard n <= p.parameterCount else {
            throw locate(TxError.runtime(arityMessage(closure.name, p.parameterCount, n)))
        }
        do {
            if !p.needsHeapFrame {
                // The common case, written out: slots on the value stack,
                // arguments evaluated straight into them.
                let count = p.slotCount
                let slots = try interp.pushFrame(count)
                defer { interp.popFrame(slots, count) }
                if n > 0 {
                    slots[0] = try arg0.eval(env, interp)
                    if n > 1 {
                        slots[1] = try arg1.eval(env, interp)
                        if n > 2 {
                            slots[2] = try arg2.eval(env, interp)
                            var i = 3
                            while i < n { slots[i] = try positional[i].eval(env, interp); i += 1 }
                        }
                    }
                }
                return try interp.run(closure, Env(slots: slots, parent: closure.env, frame: nil), positional: n)
            }
            let args = positional
            return try interp.invoke(closure) { slots in
                var i = 0
                while i < n { slots[i] = try args[i].eval(env, interp); i += 1 }
            } given: { $0 < n }
        } catch { throw trace(error) }
    }

    /// Locates the error here if it has no place yet; if it came out of tx
    /// functions (it has a stack), adds this call site to the stack.
    func trace(_ error: Error) -> TxError {
        var e = locate(error)
        if !e.stack.isEmpty {
            e.stack.append(TxError.Frame(function: enclosing, file: site.file, location: site.location))
        }
        return e
    }
}

/// "f() takes 2 arguments but 3 were given".
func arityMessage(_ name: String, _ expected: Int, _ given: Int) -> String {
    "\(name)() takes \(expected) argument\(expected == 1 ? "" : "s") but \(given) \(given == 1 ? "was" : "were") given"
}

/// Evaluates a call's arguments, positional then keyword, left to right.
func evaluateArguments(_ positional: [Node], _ names: [String], _ values: [Node], _ env: Env,
                       _ interp: Interpreter) throws -> ([Value], [(String, Value)]) {
    var args: [Value] = []
    args.reserveCapacity(positional.count)
    for node in positional { args.append(try node.eval(env, interp)) }
    var keywords: [(String, Value)] = []
    for (name, node) in zip(names, values) { keywords.append((name, try node.eval(env, interp))) }
    return (args, keywords)
}

/// Evaluates argument nodes into stack memory (no heap allocation) and
/// passes them to `body`.
@inline(__always)
func withEvaluatedArguments<R>(_ refs: [Node], _ env: Env, _ interp: Interpreter,
                               _ body: (UnsafeBufferPointer<Value>) throws -> R) throws -> R {
    let n = refs.count
    if n == 0 { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
    return try withUnsafeTemporaryAllocation(of: Value.self, capacity: n) { buffer in
        let base = buffer.baseAddress!  // capacity ≥ 1
        var done = 0
        defer { base.deinitialize(count: done) }
        while done < n {
            (base + done).initialize(to: try refs[done].eval(env, interp))
            done += 1
        }
        return try body(UnsafeBufferPointer(start: base, count: n))
    }
}

func shortRepr(_ v: Value) -> String {
    let r = v.repr
    let firstLine = r.split(separator: "\n").first.map(String.init) ?? r
    return firstLine.count > 40 ? String(firstLine.prefix(40)) + "…" : firstLine
}
