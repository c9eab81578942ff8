/// `x.name(args)`: calls a method without making a bound-method value.
final class MethodCallNode: Node {
    let object: Node, name: String
    let positional: [Node], keywordNames: [String], keywordValues: [Node]
    let enclosing: String
    private var cachedTag = -1
    private var cachedMethod: Builtin?
    /// The two hottest methods, run inline (see `Intrinsic`); set with the cache.
    private var cachedIntrinsic = Intrinsic.none
    /// The first two arguments in `let`s (past the count: `object`, never run).
    private let arg0: Node, arg1: Node

    /// Methods run in the node itself: `xs.append(x)` and `d.get(k, default)`,
    /// exactly as their built-ins do, without the argument buffer and the call.
    private enum Intrinsic { case none, listAppend, dictGet }

    init(_ object: Node, _ name: String, _ positional: [Node], _ keywordNames: [String], _ keywordValues: [Node],
         enclosing: String, _ site: Site) {
        self.object = object; self.name = name; self.positional = positional
        arg0 = positional.count > 0 ? positional[0] : object
        arg1 = positional.count > 1 ? positional[1] : object
        self.keywordNames = keywordNames; self.keywordValues = keywordValues
        self.enclosing = enclosing
        super.init(site)
    }

    override func eval(_ env: Env, _ interp: Interpreter) throws -> Value {
        let receiver = try object.eval(env, interp)
        // An inline cache: the same call site mostly sees the same type.
        // (Native objects, tag 9, share a tag: looked up every time.)
        let tag = receiver.typeTag
        if tag != cachedTag && tag != 9 {
            let found = Builtins.method(for: receiver, name)
            cachedTag = tag; cachedMethod = found
            let plain = found != nil && keywordNames.isEmpty
            cachedIntrinsic = plain && tag == 4 && name == "append" && positional.count == 1 ? .listAppend
                : plain && tag == 5 && name == "get" && positional.count == 2 ? .dictGet : .none
        }
        // Each intrinsic checks the receiver's type itself.
        switch cachedIntrinsic {
        case .none: break
        case .listAppend:
            if case .list(let l) = receiver {
                let v = try arg0.eval(env, interp)
                l.items.append(v)
                return .nil
            }
        case .dictGet:
            // Only where no key shadows `get` (else the general route below).
            if case .dict(let d) = receiver, d.methodNamedKeys == 0 {
                let key = try arg0.eval(env, interp)
                let fallback = try arg1.eval(env, interp)
                guard case .string(let k) = key else {
                    throw locate(TxError.runtime("dict.get(): 'key' must be a string, got \(key.typeName)"))
                }
                return d.value(forKey: k) ?? fallback
            }
        }
        let method = tag == 9 ? Builtins.method(for: receiver, name) : cachedMethod
        // A dict's own key wins over a method of the same name (`d.keys()`
        // calls the function stored under "keys" if there is one). A dict
        // with no key named like a method can't shadow one: no look-up then.
        if case .dict(let d) = receiver, method == nil || d.methodNamedKeys > 0, let v = d.value(forKey: name) {
            guard case .function(let f) = v else {
                throw locate(TxError.runtime("dict key '\(name)' holds \(v.typeName), not a function"))
            }
            let (args, keywords) = try evaluateArguments(positional, keywordNames, keywordValues, env, interp)
            do { return try f.call(interp, args, keywords) } catch {
                var e = locate(error)
                if !e.stack.isEmpty { e.stack.append(TxError.Frame(function: enclosing, file: site.file, location: site.location)) }
                throw e
            }
        }
        if let method, let fast = method.fast, keywordNames.isEmpty, positional.count == method.parameters.count {
            do {
                return try withEvaluatedArguments(positional, env, interp) { try fast(receiver, $0) }
            } catch { throw locate(error) }
        }
        let (args, keywords) = try evaluateArguments(positional, keywordNames, keywordValues, env, interp)
        do {
            if let method {
                if method.isProperty {
                    throw TxError.runtime("'\(name)' is a property of \(receiver.typeName), not a method: write .\(name) without ()")
                }
                let bound = try method.bind(args, keywords, interp: interp, receiver: receiver)
                return try method.body(bound)
            }
            let member = try getMember(receiver, name, interp)
            guard case .function(let f) = member else {
                throw TxError.runtime("\(receiver.typeName) member '\(name)' is \(member.typeName), not a function")
            }
            return try f.call(interp, args, keywords)
        } catch {
            var e = locate(error)
            if !e.stack.isEmpty {
                e.stack.append(TxError.Frame(function: enclosing, file: site.file, location: site.location))
            }
            throw e
        }
    }
}
