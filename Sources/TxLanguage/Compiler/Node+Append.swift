/// `xs.append(x)` with `xs` a local variable: appends in place when `xs`
/// holds a list, reading the slot directly. Anything else (a dict holding a
/// function under "append", a tensor, nil) runs the general method-call
/// node, which reads the variable again: a read has no side effects.
final class ListAppendNode: Node {
    let general: MethodCallNode, slot: Int, argument: Node

    private init(_ general: MethodCallNode, _ slot: Int, _ argument: Node) {
        self.general = general; self.slot = slot; self.argument = argument
        super.init(general.site)
    }

    /// The shortcut when `call` is `local.append(x)`, else nil.
    static func matching(_ call: MethodCallNode) -> ListAppendNode? {
        guard call.name == "append", call.positional.count == 1, call.keywordNames.isEmpty,
              let local = call.object as? LocalGet
        else { return nil }
        return ListAppendNode(call, local.slot, call.positional[0])
    }

    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        // As the general node's intrinsic: the list is held before the
        // argument runs, so reassigning `xs` inside it appends to the old list.
        guard case .list(let l) = env.slots[slot] else { return try general.eval(env, interp) }
        let v = try argument.eval(env, interp)
        l.items.append(v)
        return .nil
    }
}
