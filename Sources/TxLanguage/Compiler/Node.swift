import CSupport

/// Where a node came from, for diagnostics.
struct Site {
    let file: SourceFile
    let location: SourceLocation
    let length: Int
}

/// The compiler turns the syntax tree into a tree of these: each node is an
/// object whose `eval` runs it ("closure compilation"). Names are already
/// resolved to frame slots or module slots, so running never looks a local
/// variable up by name.
class Node {
    let site: Site
    init(_ site: Site) { self.site = site }

    /// Runs the node with the current call's variables in `env`. Non-local control flow (`return`, `break`,
    /// `continue`) sets `interp.unwind`; enclosing blocks and loops check it.
    func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        fatalError("Node.eval is abstract")
    }

    /// Runs the node as a condition (`if`, `while`): whether its value is
    /// truthy. Comparisons override it to skip making a bool value.
    func test(_ env: Env, _ interp: Interpreter) throws -> Bool {
        try eval(env, interp).isTruthy
    }

    /// Gives an error without a location this node's location.
    func locate(_ error: Error) -> TxError {
        var e: TxError
        switch error {
        case let t as TxError: e = t
        case let t as CustomStringConvertible: e = TxError.runtime(t.description)
        default: e = TxError.runtime("\(error)")
        }
        if e.location == nil {
            e.file = site.file
            e.location = site.location
            e.length = site.length
        }
        return e
    }
}

/// What non-local control flow is in progress.
enum Unwind { case none, breakLoop, continueLoop, returning }

extension Interpreter {
    /// After a loop body: consumes `break`/`continue`, and says whether the
    /// loop must end (`break`, or a `return` passing through).
    @inline(__always) func loopShouldStop() -> Bool {
        switch unwind {
        case .none: return false
        case .breakLoop: unwind = .none; return true
        case .continueLoop: unwind = .none; return false
        case .returning: return true
        }
    }
}

/// Throws `interrupted` if Ctrl-C arrived. Loops and calls poll this; the
/// flag is read inline (a load, not a call).
@inline(__always) func checkInterrupt() throws {
    if tx_interrupt_requested() != 0 {
        tx_clear_interrupt()
        throw TxError(.interrupted, "interrupted")
    }
}

// MARK: - Literals and variables

final class ConstantNode: Node {
    let value: Value
    init(_ value: Value, _ site: Site) { self.value = value; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value { value }
}

/// Where a variable lives, as the compiler resolved it.
enum VariableRef {
    case local(Int)
    case upvalue(hops: Int, slot: Int)
    case global(Module, Int, name: String)
}

final class LocalGet: Node {
    let slot: Int
    init(_ slot: Int, _ site: Site) { self.slot = slot; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value { env.slots[slot] }
}

final class UpvalueGet: Node {
    let hops: Int, slot: Int
    init(_ hops: Int, _ slot: Int, _ site: Site) { self.hops = hops; self.slot = slot; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        env.ancestor(hops).slots[slot]
    }
}

final class GlobalGet: Node {
    let module: Module, slot: Int, name: String
    /// Names visible where this was compiled, for "did you mean".
    var nearbyNames: [String] = []
    init(_ module: Module, _ slot: Int, _ name: String, _ site: Site) {
        self.module = module; self.slot = slot; self.name = name; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let v = module.values[slot]
        if case .nil = v, !module.defined[slot] {
            let candidates = module.definedNames + Builtins.functionNames + nearbyNames
            throw locate(TxError.runtime("undefined name '\(name)'\(didYouMean(name, candidates))"))
        }
        return v
    }
}

extension VariableRef {
    @inline(__always) func store(_ value: Value, _ env: Env) {
        switch self {
        case .local(let slot): env.slots[slot] = value
        case .upvalue(let hops, let slot): env.ancestor(hops).slots[slot] = value
        case .global(let module, let slot, _):
            module.values[slot] = value
            module.defined[slot] = true
        }
    }

    func load(_ env: Env) throws -> Value {
        switch self {
        case .local(let slot): return env.slots[slot]
        case .upvalue(let hops, let slot): return env.ancestor(hops).slots[slot]
        case .global(let module, let slot, let name):
            guard module.defined[slot] else { throw TxError.runtime("undefined name '\(name)'") }
            return module.values[slot]
        }
    }
}

final class AssignNode: Node {
    let ref: VariableRef, value: Node
    init(_ ref: VariableRef, _ value: Node, _ site: Site) { self.ref = ref; self.value = value; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let v = try value.eval(env, interp)
        ref.store(v, env)
        return v
    }
}

/// An assignment's value is the value assigned, so the REPL echoes it
/// (`tx[1]> ds = digits()` shows the dataset), as LANGUAGE.md's session does.
/// `x += v` and friends on a variable.
final class CompoundAssignNode: Node {
    let ref: VariableRef, op: BinaryOperator, value: Node
    init(_ ref: VariableRef, _ op: BinaryOperator, _ value: Node, _ site: Site) {
        self.ref = ref; self.op = op; self.value = value; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let rhs = try value.eval(env, interp)
        if case .local(let slot) = ref, case .number(let a) = env.slots[slot], case .number(let b) = rhs {
            switch op {
            case .add: env.slots[slot] = .number(a + b); return .number(a + b)
            case .sub: env.slots[slot] = .number(a - b); return .number(a - b)
            case .mul: env.slots[slot] = .number(a * b); return .number(a * b)
            default: break
            }
        }
        do {
            let current = try ref.load(env)
            let v = try binaryOperation(op, current, rhs)
            ref.store(v, env)
            return v
        } catch { throw locate(error) }
    }
}

// MARK: - Blocks and control flow

final class BlockNode: Node {
    let statements: [Node]
    /// The first three statements in `let`s: called through without the
    /// retain and release an array element costs. Past the count they hold
    /// a nil constant that never runs.
    private let s0: Node, s1: Node, s2: Node

    init(_ statements: [Node], _ site: Site) {
        self.statements = statements
        let filler = ConstantNode(.nil, site)
        s0 = statements.count > 0 ? statements[0] : filler
        s1 = statements.count > 1 ? statements[1] : filler
        s2 = statements.count > 2 ? statements[2] : filler
        super.init(site)
    }

    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let n = statements.count
        if n == 0 { return .nil }
        // Ctrl-C during a long built-in is seen at the next statement.
        try checkInterrupt()
        var last = try s0.eval(env, interp)
        if interp.unwind != .none { return .nil }
        if n == 1 { return last }
        try checkInterrupt()
        last = try s1.eval(env, interp)
        if interp.unwind != .none { return .nil }
        if n == 2 { return last }
        try checkInterrupt()
        last = try s2.eval(env, interp)
        if interp.unwind != .none { return .nil }
        var i = 3
        while i < n {
            try checkInterrupt()
            last = try statements[i].eval(env, interp)
            if interp.unwind != .none { return .nil }
            i += 1
        }
        return last
    }
}

final class IfNode: Node {
    let condition: Node, then: Node, otherwise: Node?
    init(_ condition: Node, _ then: Node, _ otherwise: Node?, _ site: Site) {
        self.condition = condition; self.then = then; self.otherwise = otherwise; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        if try condition.test(env, interp) { return try then.eval(env, interp) }
        return try otherwise?.eval(env, interp) ?? .nil
    }
}

final class WhileNode: Node {
    let condition: Node, body: Node
    init(_ condition: Node, _ body: Node, _ site: Site) { self.condition = condition; self.body = body; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        while try condition.test(env, interp) {
            try checkInterrupt()
            _ = try body.eval(env, interp)
            if interp.loopShouldStop() { return .nil }
        }
        return .nil
    }
}

/// `for i in a..b`: counts without making a range object.
final class ForRangeNode: Node {
    let ref: VariableRef, start: Node, stop: Node, body: Node
    init(_ ref: VariableRef, _ start: Node, _ stop: Node, _ body: Node, _ site: Site) {
        self.ref = ref; self.start = start; self.stop = stop; self.body = body; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let a = try start.eval(env, interp), b = try stop.eval(env, interp)
        guard case .number(var i) = a, case .number(let end) = b else {
            throw locate(TxError.runtime("a range needs numbers, got \(a.typeName)..\(b.typeName)"))
        }
        while i < end {
            try checkInterrupt()
            ref.store(.number(i), env)
            _ = try body.eval(env, interp)
            if interp.loopShouldStop() { return .nil }
            i += 1
        }
        return .nil
    }
}

/// `for x in xs`, `for i, x in enumerate(xs)`, `for k, v in dict`.
final class ForEachNode: Node {
    let refs: [VariableRef], iterable: Node, body: Node
    init(_ refs: [VariableRef], _ iterable: Node, _ body: Node, _ site: Site) {
        self.refs = refs; self.iterable = iterable; self.body = body; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let collection = try iterable.eval(env, interp)
        if case .list(let l) = collection, refs.count == 1 {
            // `for x in xs`, written out: as the general iterator does, it
            // sees the list as it is at each step (appends inside count).
            let ref = refs[0]
            var i = 0
            while i < l.items.count {
                try checkInterrupt()
                ref.store(l.items[i], env)
                i += 1
                _ = try body.eval(env, interp)
                if interp.loopShouldStop() { return .nil }
            }
            return .nil
        }
        var iterator: ValueIterator
        do { iterator = try ValueIterator(collection, pairs: refs.count == 2) } catch { throw locate(error) }
        while let item = try iterator.next() {
            try checkInterrupt()
            if refs.count == 1 {
                refs[0].store(item, env)
            } else {
                do { try destructure(item, into: refs, env) } catch { throw locate(error) }
            }
            _ = try body.eval(env, interp)
            if interp.loopShouldStop() { return .nil }
        }
        return .nil
    }
}

/// Splits a list-like value over several variables.
func destructure(_ value: Value, into refs: [VariableRef], _ env: Env) throws {
    let items = try unpack(value, count: refs.count)
    for (ref, item) in zip(refs, items) { ref.store(item, env) }
}

func unpack(_ value: Value, count: Int) throws -> [Value] {
    let items: [Value]
    switch value {
    case .list(let l): items = l.items
    case .tensor(let t) where t.ndim >= 1 && t.shape[0] == count:
        items = try (0..<count).map { try tensorRow(t, $0) }
    case .range(let r) where r.count == count: items = (0..<r.count).map { .number(r[$0]) }
    default: throw TxError.runtime("can't unpack \(value.typeName) into \(count) names (need a list of \(count))")
    }
    guard items.count == count else {
        throw TxError.runtime("can't unpack a list of \(items.count) into \(count) names")
    }
    return items
}

final class ReturnNode: Node {
    let value: Node?
    init(_ value: Node?, _ site: Site) { self.value = value; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        interp.returnValue = try value?.eval(env, interp) ?? .nil
        interp.unwind = .returning
        return .nil
    }
}

final class LoopJumpNode: Node {
    let kind: Unwind
    init(_ kind: Unwind, _ site: Site) { self.kind = kind; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        interp.unwind = kind
        return .nil
    }
}

/// `try { } catch e { }`: runtime errors are caught; Ctrl-C is not.
final class TryNode: Node {
    let body: Node, errorRef: VariableRef?, handler: Node
    init(_ body: Node, _ errorRef: VariableRef?, _ handler: Node, _ site: Site) {
        self.body = body; self.errorRef = errorRef; self.handler = handler; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let depth = interp.depth
        do {
            return try body.eval(env, interp)
        } catch let error {
            let e = locate(error)
            if e.kind == .interrupted { throw e }
            interp.depth = depth
            errorRef?.store(.object(ErrorObject(e)), env)
            return try handler.eval(env, interp)
        }
    }
}
