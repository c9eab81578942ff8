/// Turns the syntax tree into executable nodes, resolving every name to a
/// frame slot, an enclosing frame's slot, a module slot, or a built-in.
///
/// Scoping: `{}` blocks are scopes; `x = v` assigns the nearest visible `x`
/// or declares it in the current block; `let x = v` always declares. Every
/// function call gets one frame holding all its blocks' variables (each
/// declaration its own slot); a module's variables live in its `Module`.
final class Compiler {
    private final class FunctionScope {
        let parent: FunctionScope?
        let isModule: Bool
        let name: String
        var blocks: [[String: Int]] = [[:]]
        var slotCount = 0
        var loopDepth = 0
        var makesClosures = false
        init(parent: FunctionScope?, isModule: Bool, name: String) {
            self.parent = parent; self.isModule = isModule; self.name = name
        }
    }

    private let file: SourceFile
    private let module: Module
    private var scope: FunctionScope
    private static var builtinValues: [String: Value] = [:]

    init(file: SourceFile, module: Module) {
        self.file = file
        self.module = module
        self.scope = FunctionScope(parent: nil, isModule: true, name: "<\(module.name)>")
    }

    /// Compiles a module's (or REPL input's) statements into one node.
    static func compile(_ statements: [Stmt], file: SourceFile, module: Module) throws -> Node {
        let compiler = Compiler(file: file, module: module)
        let nodes = try statements.map(compiler.statement)
        return BlockNode(nodes, Site(file: file, location: SourceLocation(line: 1, column: 1), length: 1))
    }

    private func site(_ location: SourceLocation, _ length: Int = 1) -> Site {
        Site(file: file, location: location, length: length)
    }

    private func error(_ message: String, _ location: SourceLocation, _ length: Int = 1) -> TxError {
        TxError(.syntax, message, file: file, at: location, length: length)
    }

    // MARK: - Names

    private func resolve(_ name: String) -> VariableRef? {
        var hops = 0
        var current: FunctionScope? = scope
        while let s = current {
            for block in s.blocks.reversed() {
                if let slot = block[name] {
                    if s.isModule { return .global(module, slot, name: name) }
                    return hops == 0 ? .local(slot) : .upvalue(hops: hops, slot: slot)
                }
            }
            if s.isModule, let slot = module.names[name] { return .global(module, slot, name: name) }
            if !s.isModule { hops += 1 }
            current = s.parent
        }
        return nil
    }

    private func declare(_ name: String) -> VariableRef {
        if scope.isModule {
            if scope.blocks.count == 1 { return .global(module, module.slot(for: name), name: name) }
            let slot = module.newSlot()
            scope.blocks[scope.blocks.count - 1][name] = slot
            return .global(module, slot, name: name)
        }
        let slot = scope.slotCount
        scope.slotCount += 1
        scope.blocks[scope.blocks.count - 1][name] = slot
        return .local(slot)
    }

    private func declaredInCurrentBlock(_ name: String) -> VariableRef? {
        if scope.isModule && scope.blocks.count == 1 {
            return module.names[name].map { .global(module, $0, name: name) }
        }
        guard let slot = scope.blocks.last?[name] else { return nil }
        return scope.isModule ? .global(module, slot, name: name) : .local(slot)
    }

    private func read(_ name: String, _ location: SourceLocation) -> Node {
        let s = site(location, name.count)
        switch resolve(name) {
        case .local(let slot): return LocalGet(slot, s)
        case .upvalue(let hops, let slot): return UpvalueGet(hops, slot, s)
        case .global(let m, let slot, _): return GlobalGet(m, slot, name, s)
        case nil:
            if let builtin = Builtins.functions[name] {
                if builtin.isConstant, let value = try? builtin.body(Arguments(builtin: builtin, positional: [], fixed: 0, keywords: [], rest: [], interp: Interpreter.constantsInterpreter, receiver: nil)) {
                    return ConstantNode(value, s)
                }
                let value = Compiler.builtinValues[name] ?? .function(BuiltinFunction(builtin))
                Compiler.builtinValues[name] = value
                return ConstantNode(value, s)
            }
            // A forward reference to a top-level name defined later; if it
            // never is, the error suggests the names visible here.
            let node = GlobalGet(module, module.forwardSlot(for: name), name, s)
            node.nearbyNames = visibleNames()
            return node
        }
    }

    /// Every name visible at this point (locals of enclosing functions too).
    private func visibleNames() -> [String] {
        var names: [String] = TokenKind.keywordNames
        var current: FunctionScope? = scope
        while let s = current {
            for block in s.blocks { names += block.keys }
            current = s.parent
        }
        return names
    }

    private func withBlock<T>(_ body: () throws -> T) rethrows -> T {
        scope.blocks.append([:])
        defer { scope.blocks.removeLast() }
        return try body()
    }

    // MARK: - Statements

    private func statement(_ stmt: Stmt) throws -> Node {
        let s = site(stmt.location)
        switch stmt.kind {
        case .expression(let e):
            return try expression(e)
        case .assign(let targets, let op, let valueExpr, let isLet):
            let value = try expression(valueExpr)
            if let op {
                let binary: BinaryOperator = [.add: .add, .sub: .sub, .mul: .mul, .div: .div][op]!
                if case .name(let name) = targets[0].kind {
                    // `x += v` updates an existing x: a top-level one defined later counts.
                    let ref = resolve(name) ?? .global(module, module.forwardSlot(for: name), name: name)
                    return CompoundAssignNode(ref, binary, value, s)
                }
                return makeAssignElement(try assignTarget(targets[0], isLet: false), binary, value, s)
            }
            if targets.count == 1 {
                let target = try assignTarget(targets[0], isLet: isLet)
                if case .variable(let ref) = target { return AssignNode(ref, value, s) }
                return makeAssignElement(target, nil, value, s)
            }
            return DestructureNode(try targets.map { try assignTarget($0, isLet: isLet) }, value, s)
        case .function(let decl):
            let ref = declaredInCurrentBlock(decl.name!) ?? declare(decl.name!)
            return FunctionDeclNode(ref, try function(decl), s)
        case .returnValue(let value):
            if scope.isModule { throw error("'return' outside a function", stmt.location, 6) }
            return ReturnNode(try value.map(expression), s)
        case .breakLoop, .continueLoop:
            let isBreak: Bool = { if case .breakLoop = stmt.kind { return true } else { return false } }()
            if scope.loopDepth == 0 {
                throw error("'\(isBreak ? "break" : "continue")' outside a loop", stmt.location, isBreak ? 5 : 8)
            }
            return LoopJumpNode(isBreak ? .breakLoop : .continueLoop, s)
        case .forIn(let names, let iterable, let body):
            guard names.count <= 2 else {
                throw error("a for loop takes one or two names (for x in xs, for k, v in d)", stmt.location)
            }
            var rangeBounds: (Node, Node)?
            if names.count == 1, case .range(let a, let b) = iterable.kind {
                rangeBounds = (try expression(a), try expression(b))
            }
            let iterNode = rangeBounds == nil ? try expression(iterable) : nil
            return try withBlock {
                let refs = names.map(declare)
                scope.loopDepth += 1
                defer { scope.loopDepth -= 1 }
                let bodyNode = try block(body)
                if let (a, b) = rangeBounds { return ForRangeNode(refs[0], a, b, bodyNode, s) }
                return ForEachNode(refs, iterNode!, bodyNode, s)
            }
        case .whileLoop(let condition, let body):
            let c = try expression(condition)
            scope.loopDepth += 1
            defer { scope.loopDepth -= 1 }
            return WhileNode(c, try block(body), s)
        case .importModule(let name, let isPath, let alias):
            return ImportNode(name, isPath: isPath, resolve(alias) ?? declare(alias), s)
        case .tryCatch(let body, let errorName, let handler):
            let bodyNode = try block(body)
            return try withBlock {
                let ref = errorName.map(declare)
                return TryNode(bodyNode, ref, try block(handler), s)
            }
        }
    }

    private func assignTarget(_ target: Expr, isLet: Bool) throws -> AssignTarget {
        switch target.kind {
        case .name(let name):
            if isLet { return .variable(declare(name)) }
            return .variable(resolve(name) ?? declare(name))
        case .index:
            guard let node = try expression(target) as? IndexNode else { fatalError("index compiles to IndexNode") }
            return .element(node)
        case .member(let object, let name):
            return .member(MemberNode(try expression(object), name, site(target.location, name.count)))
        default:
            throw error("can't assign to this expression", target.location, target.length)
        }
    }

    private func block(_ b: Block) throws -> Node {
        try withBlock { sequence(try b.statements.map(statement), b.location) }
    }

    /// A block of one statement runs as that statement (scopes are resolved
    /// already), saving a node on the hot path.
    private func sequence(_ nodes: [Node], _ location: SourceLocation) -> Node {
        nodes.count == 1 ? nodes[0] : BlockNode(nodes, site(location))
    }

    private func function(_ decl: FunctionDecl) throws -> FunctionProto {
        let name = decl.name ?? "<lambda>"
        let isTopLevel = scope.isModule
        // The enclosing function makes a closure, which may keep its variables.
        scope.makesClosures = true
        let inner = FunctionScope(parent: scope, isModule: false, name: name)
        let outer = scope
        scope = inner
        defer { scope = outer }
        var defaults: [Node?] = []
        for p in decl.parameters { _ = declare(p.name) }
        for p in decl.parameters { defaults.append(try p.defaultValue.map(expression)) }
        let proto = FunctionProto(name: name, parameterNames: decl.parameters.map(\.name),
                                  defaults: defaults, file: file, isTopLevel: isTopLevel)
        proto.body = sequence(try decl.body.statements.map(statement), decl.body.location)
        proto.slotCount = inner.slotCount
        proto.needsHeapFrame = inner.makesClosures
        return proto
    }

    // MARK: - Expressions

    private func expression(_ e: Expr) throws -> Node {
        let s = site(e.location, e.length)
        switch e.kind {
        case .number(let n): return ConstantNode(.number(n), s)
        case .string(let str): return ConstantNode(.string(str), s)
        case .bool(let b): return ConstantNode(.bool(b), s)
        case .nilLiteral: return ConstantNode(.nil, s)
        case .formatString(let parts):
            return FormatStringNode(try parts.map { part in
                switch part {
                case .text(let t): return .text(t)
                case .value(let v, let spec): return .value(try expression(v), spec: spec)
                }
            }, s)
        case .name(let name): return read(name, e.location)
        case .list(let items): return ListNode(try items.map(expression), s)
        case .dict(let entries): return DictNode(entries.map(\.key), try entries.map { try expression($0.value) }, s)
        case .negate(let operand):
            if case .number(let n) = operand.kind { return ConstantNode(.number(-n), s) }
            return NegateNode(try expression(operand), s)
        case .not(let operand): return NotNode(try expression(operand), s)
        case .binary(let op, let l, let r):
            let left = try expression(l), right = try expression(r)
            if let local = left as? LocalGet, let c = right as? ConstantNode, case .number(let n) = c.value {
                return LocalConstBinaryNode(op, local.slot, n, s)
            }
            return BinaryNode(op, left, right, s)
        case .and(let l, let r): return AndNode(try expression(l), try expression(r), s)
        case .or(let l, let r): return OrNode(try expression(l), try expression(r), s)
        case .range(let a, let b): return RangeNode(try expression(a), try expression(b), s)
        case .call(let callee, let args):
            return try call(callee, args, prepend: nil, s)
        case .pipe(let value, let target):
            let piped = try expression(value)
            if case .call(let callee, let args) = target.kind { return try call(callee, args, prepend: piped, s) }
            return try call(target, [], prepend: piped, site(target.location, target.length))
        case .index(let object, let subs):
            let nodes: [SubscriptNode] = try subs.map { sub in
                switch sub {
                case .index(let i): return .index(try expression(i))
                case .slice(let a, let b, let c):
                    return .slice(try a.map(expression), try b.map(expression), try c.map(expression))
                }
            }
            return IndexNode(try expression(object), nodes, s)
        case .member(let object, let name): return MemberNode(try expression(object), name, s)
        case .lambda(let decl): return LambdaNode(try function(decl), s)
        case .ifElse(let c, let then, let otherwise):
            return IfNode(try expression(c), try block(then), try otherwise.map(expression), s)
        case .block(let b): return try block(b)
        }
    }

    private func call(_ callee: Expr, _ args: [Argument], prepend: Node?, _ s: Site) throws -> Node {
        var positional: [Node] = prepend.map { [$0] } ?? []
        var names: [String] = [], values: [Node] = []
        for arg in args {
            if let name = arg.name { names.append(name); values.append(try expression(arg.value)) }
            else { positional.append(try expression(arg.value)) }
        }
        if case .member(let object, let name) = callee.kind {
            let node = MethodCallNode(try expression(object), name, positional, names, values,
                                      enclosing: scope.name, site(callee.location, callee.length))
            return ListAppendNode.matching(node) ?? node
        }
        let node = CallNode(try expression(callee), positional, names, values, enclosing: scope.name, s)
        return StrCallNode.matching(node) ?? node
    }
}
