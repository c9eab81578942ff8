import OrderedCollections

final class ListNode: Node {
    let items: [Node]
    init(_ items: [Node], _ site: Site) { self.items = items; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        var values: [Value] = []
        values.reserveCapacity(items.count)
        for item in items { values.append(try item.eval(env, interp)) }
        return .list(ListObject(values))
    }
}

final class DictNode: Node {
    let keys: [String], values: [Node]
    init(_ keys: [String], _ values: [Node], _ site: Site) { self.keys = keys; self.values = values; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        var entries = OrderedDictionary<String, Value>()
        for (k, v) in zip(keys, values) { entries[k] = try v.eval(env, interp) }
        return .dict(DictObject(entries))
    }
}

final class FormatStringNode: Node {
    enum Part { case text(String), value(Node, spec: String?) }
    let parts: [Part]
    init(_ parts: [Part], _ site: Site) { self.parts = parts; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        var out = ""
        for part in parts {
            switch part {
            case .text(let s): out += s
            case .value(let node, let spec):
                let v = try node.eval(env, interp)
                if let spec {
                    do { out += try applyFormatSpec(v, spec) } catch { throw node.locate(error) }
                } else {
                    out += v.printed
                }
            }
        }
        return .string(out)
    }
}

final class RangeNode: Node {
    let start: Node, stop: Node
    init(_ start: Node, _ stop: Node, _ site: Site) { self.start = start; self.stop = stop; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let a = try start.eval(env, interp), b = try stop.eval(env, interp)
        guard case .number(let x) = a, case .number(let y) = b else {
            throw locate(TxError.runtime("a range needs numbers, got \(a.typeName)..\(b.typeName)"))
        }
        do { return .range(try RangeObject.checked(x, y, step: 1)) } catch { throw locate(error) }
    }
}

final class NegateNode: Node {
    let operand: Node
    init(_ operand: Node, _ site: Site) { self.operand = operand; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let v = try operand.eval(env, interp)
        switch v {
        case .number(let x): return .number(-x)
        case .tensor(let t): return .tensor(t.unary(.neg))
        default: throw locate(TxError.runtime("can't negate \(v.typeName)"))
        }
    }
}

final class NotNode: Node {
    let operand: Node
    init(_ operand: Node, _ site: Site) { self.operand = operand; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        .bool(!(try operand.eval(env, interp).isTruthy))
    }
}

final class AndNode: Node {
    let left: Node, right: Node
    init(_ left: Node, _ right: Node, _ site: Site) { self.left = left; self.right = right; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let l = try left.eval(env, interp)
        return l.isTruthy ? try right.eval(env, interp) : l
    }
}

final class OrNode: Node {
    let left: Node, right: Node
    init(_ left: Node, _ right: Node, _ site: Site) { self.left = left; self.right = right; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let l = try left.eval(env, interp)
        return l.isTruthy ? l : try right.eval(env, interp)
    }
}

/// Arithmetic and comparison, with a fast path for two numbers.
final class BinaryNode: Node {
    let op: BinaryOperator, left: Node, right: Node
    init(_ op: BinaryOperator, _ left: Node, _ right: Node, _ site: Site) {
        self.op = op; self.left = left; self.right = right; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let l = try left.eval(env, interp)
        let r = try right.eval(env, interp)
        if case .number(let a) = l, case .number(let b) = r, let v = numericFastPath(op, a, b) { return v }
        do { return try binaryOperation(op, l, r) } catch { throw locate(error) }
    }
    override func test(_ env: Env, _ interp: Interpreter) throws -> Bool {
        let l = try left.eval(env, interp)
        let r = try right.eval(env, interp)
        if case .number(let a) = l, case .number(let b) = r {
            switch op {
            case .lt: return a < b
            case .le: return a <= b
            case .gt: return a > b
            case .ge: return a >= b
            case .eq: return a == b
            case .ne: return a != b
            default: break
            }
        }
        do { return try binaryOperation(op, l, r).isTruthy } catch { throw locate(error) }
    }
}

/// `fn (x) {…}` and `x -> …`: makes a closure over the current frame.
final class LambdaNode: Node {
    let proto: FunctionProto
    init(_ proto: FunctionProto, _ site: Site) { self.proto = proto; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        .function(Closure(proto, env: proto.isTopLevel ? nil : env.frame))
    }
}

/// `fn name(...) {...}`: binds a closure to its name.
final class FunctionDeclNode: Node {
    let ref: VariableRef, proto: FunctionProto
    init(_ ref: VariableRef, _ proto: FunctionProto, _ site: Site) { self.ref = ref; self.proto = proto; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        ref.store(.function(Closure(proto, env: proto.isTopLevel ? nil : env.frame)), env)
        return .nil
    }
}

/// `a, b = value`: destructures into several targets.
final class DestructureNode: Node {
    let targets: [AssignTarget], value: Node
    init(_ targets: [AssignTarget], _ value: Node, _ site: Site) { self.targets = targets; self.value = value; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let v = try value.eval(env, interp)
        let items: [Value]
        do { items = try unpack(v, count: targets.count) } catch { throw locate(error) }
        for (target, item) in zip(targets, items) { try target.assign(item, env, interp) }
        return v
    }
}

/// Something an assignment can write: a variable, `xs[i]` or `d.key`.
enum AssignTarget {
    case variable(VariableRef)
    case element(IndexNode)
    case member(MemberNode)

    func assign(_ value: Value, _ env: Env, _ interp: Interpreter) throws {
        switch self {
        case .variable(let ref): ref.store(value, env)
        case .element(let node):
            let object = try node.object.eval(env, interp)
            let index = try node.evaluateSubscripts(env, interp)
            do { try setElement(object, index, value) } catch { throw node.locate(error) }
        case .member(let node):
            let object = try node.object.eval(env, interp)
            do { try setMember(object, node.name, value) } catch { throw node.locate(error) }
        }
    }
}

/// `xs[i] = v`, `xs[i] += v`, `d.k = v`, `d.k += v`.
final class AssignElementNode: Node {
    let target: AssignTarget, op: BinaryOperator?, value: Node
    init(_ target: AssignTarget, _ op: BinaryOperator?, _ value: Node, _ site: Site) {
        self.target = target; self.op = op; self.value = value; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        switch target {
        case .element(let node):
            let object = try node.object.eval(env, interp)
            let index = try node.evaluateSubscripts(env, interp)
            var v = try value.eval(env, interp)
            do {
                if let op { v = try binaryOperation(op, try getElement(object, index), v) }
                try setElement(object, index, v)
            } catch { throw node.locate(error) }
            return v
        case .member(let node):
            let object = try node.object.eval(env, interp)
            var v = try value.eval(env, interp)
            do {
                if let op { v = try binaryOperation(op, try getMember(object, node.name, interp), v) }
                try setMember(object, node.name, v)
            } catch { throw node.locate(error) }
            return v
        case .variable(let ref):
            let v = try value.eval(env, interp)
            ref.store(v, env)
            return v
        }
    }
}

/// An assignment to an element or member: `x[i] = v` with one plain index
/// gets its own node, everything else an `AssignElementNode`.
func makeAssignElement(_ target: AssignTarget, _ op: BinaryOperator?, _ value: Node, _ site: Site) -> Node {
    if case .element(let node) = target, let single = node.single {
        let plain = AssignIndexNode(node, single, op, value, site)
        if op == nil, let fused = DictUpdateNode.matching(plain, object: node.object, index: single, value: value, site) {
            return fused
        }
        return plain
    }
    return AssignElementNode(target, op, value, site)
}

/// `xs[i] = v`, `d[k] = v`, `d[k] += v`: one plain index, no index array,
/// every part in a `let` (no enum to copy per run).
final class AssignIndexNode: Node {
    let target: IndexNode, object: Node, index: Node, op: BinaryOperator?, value: Node
    init(_ target: IndexNode, _ index: Node, _ op: BinaryOperator?, _ value: Node, _ site: Site) {
        self.target = target; self.object = target.object; self.index = index
        self.op = op; self.value = value
        super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let o = try object.eval(env, interp)
        let i = try index.eval(env, interp)
        var v = try value.eval(env, interp)
        do {
            if let op { v = try binaryOperation(op, try getElement(o, at: i), v) }
            try setElement(o, at: i, v)
        } catch { throw target.locate(error) }
        return v
    }
}

/// `t[i, a:b, mask]`.
final class IndexNode: Node {
    let object: Node, subscripts: [SubscriptNode]
    /// The index of `x[i]` (one subscript, not a slice): the common case,
    /// run without building an index array.
    let single: Node?
    init(_ object: Node, _ subscripts: [SubscriptNode], _ site: Site) {
        self.object = object; self.subscripts = subscripts
        if subscripts.count == 1, case .index(let n) = subscripts[0] { single = n } else { single = nil }
        super.init(site)
    }
    func evaluateSubscripts(_ env: Env, _ interp: Interpreter) throws -> [IndexValue] {
        var out: [IndexValue] = []
        for s in subscripts {
            switch s {
            case .index(let n): out.append(.value(try n.eval(env, interp)))
            case .slice(let a, let b, let c):
                func bound(_ n: Node?) throws -> Int? {
                    guard let n else { return nil }
                    let v = try n.eval(env, interp)
                    if case .nil = v { return nil }
                    guard case .number(let x) = v, let i = exactInt(x) else {
                        throw n.locate(TxError.runtime("slice bounds must be whole numbers, got \(v.repr)"))
                    }
                    return i
                }
                out.append(.slice(try bound(a), try bound(b), try bound(c)))
            }
        }
        return out
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let o = try object.eval(env, interp)
        if let single {
            let i = try single.eval(env, interp)
            do { return try getElement(o, at: i) } catch { throw locate(error) }
        }
        let index = try evaluateSubscripts(env, interp)
        do { return try getElement(o, index) } catch { throw locate(error) }
    }
}

enum SubscriptNode {
    case index(Node)
    case slice(Node?, Node?, Node?)
}

/// An evaluated subscript.
enum IndexValue {
    case value(Value)
    case slice(Int?, Int?, Int?)
}

/// `x.name`.
final class MemberNode: Node {
    let object: Node, name: String
    init(_ object: Node, _ name: String, _ site: Site) { self.object = object; self.name = name; super.init(site) }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let o = try object.eval(env, interp)
        do { return try getMember(o, name, interp) } catch { throw locate(error) }
    }
}

/// `import name [as alias]`, `import "path.tx" as alias`.
final class ImportNode: Node {
    let module: String, isPath: Bool, ref: VariableRef
    init(_ module: String, isPath: Bool, _ ref: VariableRef, _ site: Site) {
        self.module = module; self.isPath = isPath; self.ref = ref; super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        do {
            let m = try interp.importModule(module, isPath: isPath, from: site.file)
            ref.store(.object(ModuleObject(m)), env)
        } catch { throw locate(error) }
        return .nil
    }
}

/// `local op number` (`n < 2`, `n - 1`, `i * 2`): one node instead of three
/// on the hottest paths of numeric code.
final class LocalConstBinaryNode: Node {
    let op: BinaryOperator, slot: Int, constant: Double
    /// The constant as an Int when it is a positive whole number (0 if
    /// not): `i % 97` then needs no checks on the right-hand side.
    private let positiveInt: Int
    init(_ op: BinaryOperator, _ slot: Int, _ constant: Double, _ site: Site) {
        self.op = op; self.slot = slot; self.constant = constant
        positiveInt = constant >= 1 && constant < 9.0e15 && constant == constant.rounded() ? Int(constant) : 0
        super.init(site)
    }
    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        if case .number(let a) = env.slots[slot] {
            switch op {
            case .add: return .number(a + constant)
            case .sub: return .number(a - constant)
            case .mul: return .number(a * constant)
            case .mod:
                if positiveInt > 0 && a > 0 && a < 9.0e15 {
                    let i = Int(a)
                    if Double(i) == a { return .number(Double(i % positiveInt)) }
                }
                return .number(floorMod(a, constant))
            default:
                if let v = numericFastPath(op, a, constant) { return v }
            }
        }
        do { return try binaryOperation(op, env.slots[slot], .number(constant)) } catch { throw locate(error) }
    }
    override func test(_ env: Env, _ interp: Interpreter) throws -> Bool {
        if case .number(let a) = env.slots[slot] {
            switch op {
            case .lt: return a < constant
            case .le: return a <= constant
            case .gt: return a > constant
            case .ge: return a >= constant
            case .eq: return a == constant
            case .ne: return a != constant
            default: break
            }
        }
        return try eval(env, interp).isTruthy
    }
}

/// Arithmetic and comparison of two numbers, inline on the hot paths; nil
/// for operators that take the general route (`**`, `@`, `in`).
@inline(__always)
func numericFastPath(_ op: BinaryOperator, _ a: Double, _ b: Double) -> Value? {
    switch op {
    case .add: return .number(a + b)
    case .sub: return .number(a - b)
    case .mul: return .number(a * b)
    case .div: return .number(a / b)
    case .mod: return .number(floorMod(a, b))
    case .lt: return .bool(a < b)
    case .le: return .bool(a <= b)
    case .gt: return .bool(a > b)
    case .ge: return .bool(a >= b)
    case .eq: return .bool(a == b)
    case .ne: return .bool(a != b)
    default: return nil
    }
}
