/// The syntax tree the parser builds and the compiler consumes.
/// Every node keeps where it starts so diagnostics can point at it.

/// An expression and its location.
struct Expr {
    var kind: ExprKind
    var location: SourceLocation
    var length: Int = 1
    /// Height of this expression's tree, so a 300,000-term `1 + 1 + …`
    /// is refused by the parser instead of overflowing the compiler.
    var height: Int = 1
}

enum BinaryOperator: String {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "**", matmul = "@"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", contains = "in"
    case notContains = "not in"
}

/// One argument of a call: positional (`name == nil`) or keyword.
struct Argument {
    var name: String?
    var value: Expr
    var location: SourceLocation
}

/// One part of `t[...]`: an index/mask expression, or a slice `a:b:c`.
enum Subscript {
    case index(Expr)
    case slice(start: Expr?, stop: Expr?, step: Expr?)
}

/// A piece of an f-string: literal text, or `{expr:spec}`.
enum FormatPart {
    case text(String)
    case value(Expr, spec: String?)
}

/// A parameter of `fn` or a lambda.
struct Parameter {
    var name: String
    var defaultValue: Expr?
    var location: SourceLocation
}

/// `fn name(params) { body }` or a lambda (`name == nil`).
final class FunctionDecl {
    let name: String?
    let parameters: [Parameter]
    let body: Block
    let location: SourceLocation
    init(name: String?, parameters: [Parameter], body: Block, location: SourceLocation) {
        self.name = name; self.parameters = parameters; self.body = body; self.location = location
    }
}

/// `{ statements }`; its value is the last statement's if that is an expression.
struct Block {
    var statements: [Stmt]
    var location: SourceLocation
}

indirect enum ExprKind {
    case number(Double)
    case string(String)
    case formatString([FormatPart])
    case bool(Bool)
    case nilLiteral
    case name(String)
    case list([Expr])
    case dict([(key: String, value: Expr)])
    case negate(Expr)
    case not(Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case range(Expr, Expr)
    case call(Expr, [Argument])
    case index(Expr, [Subscript])
    case member(Expr, String)
    case lambda(FunctionDecl)
    /// `if c { } else ...`; the else branch is a block expression or another `if`.
    case ifElse(Expr, Block, Expr?)
    case block(Block)
    /// `x |> f(args)`: the right side is kept as written; the compiler inserts `x`.
    case pipe(Expr, Expr)
}

enum AssignOperator: String { case add = "+=", sub = "-=", mul = "*=", div = "/=" }

struct Stmt {
    var kind: StmtKind
    var location: SourceLocation
}

enum StmtKind {
    case expression(Expr)
    /// `targets = value`, `let targets = value`, or `target op= value`.
    case assign(targets: [Expr], op: AssignOperator?, value: Expr, isLet: Bool)
    case function(FunctionDecl)
    case returnValue(Expr?)
    case breakLoop
    case continueLoop
    case forIn(names: [String], iterable: Expr, body: Block)
    case whileLoop(Expr, Block)
    /// `import name [as alias]` or `import "path" as alias`.
    case importModule(module: String, isPath: Bool, alias: String)
    case tryCatch(Block, errorName: String?, handler: Block)
}
