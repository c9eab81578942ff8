/// `d[k] = d.get(k, c) + x` (also `-`, `*`) with `d` and `k` local
/// variables and `c`, `x` locals or constants: the counting idiom, done
/// with one key search and no method call.
///
/// Nothing in the pattern can run user code between reading `d` and `k`
/// and storing (its parts are variable reads and constants), so reading
/// each once is the same as the general order. Anything off the fast path
/// (not a dict, a non-string key, a key shadowing `get`, non-numbers) runs
/// the general node, which gives the usual results and errors.
final class DictUpdateNode: Node {
    let general: Node
    let dictSlot: Int, keySlot: Int, fallback: Node, op: BinaryOperator, operand: Node

    private init(general: Node, dictSlot: Int, keySlot: Int, fallback: Node, op: BinaryOperator,
                 operand: Node, _ site: Site) {
        self.general = general; self.dictSlot = dictSlot; self.keySlot = keySlot
        self.fallback = fallback; self.op = op; self.operand = operand
        super.init(site)
    }

    /// The fused node when `object[index] = value` has the pattern, else nil.
    static func matching(_ general: Node, object: Node, index: Node, value: Node, _ site: Site) -> DictUpdateNode? {
        guard let d = object as? LocalGet, let k = index as? LocalGet,
              let binary = value as? BinaryNode, [.add, .sub, .mul].contains(binary.op),
              let call = binary.left as? MethodCallNode, call.name == "get", call.keywordNames.isEmpty,
              call.positional.count == 2, let receiver = call.object as? LocalGet, receiver.slot == d.slot,
              let key = call.positional[0] as? LocalGet, key.slot == k.slot,
              isPure(call.positional[1]), isPure(binary.right)
        else { return nil }
        return DictUpdateNode(general: general, dictSlot: d.slot, keySlot: k.slot, fallback: call.positional[1],
                              op: binary.op, operand: binary.right, site)
    }

    /// A local variable read or a constant: no side effects, no errors.
    private static func isPure(_ node: Node) -> Bool { node is LocalGet || node is ConstantNode }

    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        guard case .dict(let d) = env.slots[dictSlot], d.methodNamedKeys == 0,
              case .string(let key) = env.slots[keySlot]
        else { return try general.eval(env, interp) }
        let found = d.index(of: key)
        let current = try found.map { d.value(at: $0) } ?? fallback.eval(env, interp)
        guard case .number(let a) = current, case .number(let b) = try operand.eval(env, interp)
        else { return try general.eval(env, interp) }
        let v: Value
        switch op {
        case .add: v = .number(a + b)
        case .sub: v = .number(a - b)
        default: v = .number(a * b)
        }
        if let i = found { d.replaceValue(at: i, with: v) } else { d.set(key, v) }
        return v
    }
}
