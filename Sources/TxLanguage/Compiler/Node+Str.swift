/// `str(x)` with the built-in `str` named in the source: the text form
/// straight from the value (`str(i)` makes dict keys in hot loops), without
/// the call machinery. Errors get the call site added exactly as the
/// general call node adds it.
final class StrCallNode: Node {
    let general: CallNode, argument: Node

    private init(_ general: CallNode, _ argument: Node) {
        self.general = general; self.argument = argument
        super.init(general.site)
    }

    /// The shortcut when `call` is `str(x)` on the built-in, else nil.
    static func matching(_ call: CallNode) -> StrCallNode? {
        guard let constant = call.callee as? ConstantNode, case .function(let f) = constant.value,
              let builtin = f as? BuiltinFunction, builtin.receiver == nil, builtin.spec.receiverType == nil,
              builtin.spec.name == "str", builtin.spec.parameters.count == 1,
              call.positional.count == 1, call.keywordNames.isEmpty
        else { return nil }
        return StrCallNode(call, call.positional[0])
    }

    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        do {
            return .string(try argument.eval(env, interp).printed)
        } catch { throw general.trace(error) }
    }
}
