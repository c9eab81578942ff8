/// Builds the syntax tree from tokens: recursive descent for statements, and
/// Pratt-style precedence climbing for expressions (see `infixRules`).
struct Parser {
    private let file: SourceFile
    private var tokens: [Token]
    private var current = 0
    private var depth = 0
    private static let maxDepth = 200
    private static let maxHeight = 5_000
    /// `else if` chains are recursion too.
    private var elseIfChain = 0

    init(file: SourceFile, tokens: [Token]) {
        self.file = file
        self.tokens = tokens
    }

    /// Parses a whole file or REPL input.
    static func parse(_ file: SourceFile) throws -> [Stmt] {
        var parser = Parser(file: file, tokens: try Lexer.tokenize(file))
        return try parser.program()
    }

    // MARK: - Token helpers

    private var peek: Token { tokens[current] }
    private func peekKind(_ offset: Int) -> TokenKind {
        current + offset < tokens.count ? tokens[current + offset].kind : .eof
    }
    private var previous: Token { tokens[max(0, current - 1)] }

    @discardableResult
    private mutating func advance() -> Token {
        let token = tokens[current]
        if current < tokens.count - 1 { current += 1 }
        return token
    }

    private mutating func match(_ kind: TokenKind) -> Bool {
        guard peek.kind == kind else { return false }
        advance()
        return true
    }

    private func error(_ expected: String, at token: Token? = nil) -> TxError {
        let token = token ?? peek
        var e = TxError(.syntax, "expected \(expected), found \(token.kind.spelling)",
                        file: file, at: token.location, length: token.length)
        e.incompleteInput = token.kind == .eof
        return e
    }

    @discardableResult
    private mutating func expect(_ kind: TokenKind, _ what: String) throws -> Token {
        guard peek.kind == kind else { throw error(what) }
        return advance()
    }

    private mutating func identifier(_ what: String) throws -> (String, SourceLocation) {
        guard case .identifier(let name) = peek.kind else { throw error(what) }
        let token = advance()
        return (name, token.location)
    }

    private mutating func skipNewlines() {
        while peek.kind == .newline || peek.kind == .semicolon { advance() }
    }

    private mutating func nest() throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw TxError(.syntax, "expression nested too deeply (more than \(Parser.maxDepth) levels)", file: file, at: peek.location)
        }
    }

    // MARK: - Statements

    // program := (statement (NEWLINE | ';'))* EOF
    private mutating func program() throws -> [Stmt] {
        var statements: [Stmt] = []
        skipNewlines()
        while peek.kind != .eof {
            statements.append(try statement())
            try endOfStatement()
            skipNewlines()
        }
        return statements
    }

    private mutating func endOfStatement() throws {
        switch peek.kind {
        case .newline, .semicolon, .eof, .rightBrace: return
        default: throw error("end of statement (a new line or ';')")
        }
    }

    // block := '{' (statement (NEWLINE | ';'))* '}'
    private mutating func block() throws -> Block {
        try nest(); defer { depth -= 1 }
        let open = try expect(.leftBrace, "'{' to start a block")
        var statements: [Stmt] = []
        skipNewlines()
        while peek.kind != .rightBrace {
            if peek.kind == .eof { throw error("'}' to close the block opened at line \(open.location.line)") }
            statements.append(try statement())
            try endOfStatement()
            skipNewlines()
        }
        advance()
        return Block(statements: statements, location: open.location)
    }

    // statement := let | fn | return | break | continue | for | while | import | try
    //            | targets ('=' | '+=' | '-=' | '*=' | '/=') expr-list | expr
    private mutating func statement() throws -> Stmt {
        let start = peek.location
        switch peek.kind {
        case .kwLet:
            advance()
            var targets: [Expr] = []
            repeat {
                let (name, at) = try identifier("a name after 'let'")
                targets.append(Expr(kind: .name(name), location: at, length: name.count))
            } while match(.comma)
            try expect(.equal, "'=' after 'let \(targets.count == 1 ? "name" : "names")'")
            return Stmt(kind: .assign(targets: targets, op: nil, value: try expressionList(), isLet: true), location: start)
        case .kwFn where peekKind(1) != .leftParen:
            advance()
            let (name, _) = try identifier("a function name after 'fn'")
            let decl = try functionRest(name: name, location: start)
            return Stmt(kind: .function(decl), location: start)
        case .kwReturn:
            advance()
            switch peek.kind {
            case .newline, .semicolon, .rightBrace, .eof: return Stmt(kind: .returnValue(nil), location: start)
            default: return Stmt(kind: .returnValue(try expression()), location: start)
            }
        case .kwBreak: advance(); return Stmt(kind: .breakLoop, location: start)
        case .kwContinue: advance(); return Stmt(kind: .continueLoop, location: start)
        case .kwFor:
            advance()
            var names: [String] = []
            repeat { names.append(try identifier("a loop variable name after 'for'").0) } while match(.comma)
            try expect(.kwIn, "'in' after the loop variable")
            let iterable = try expression()
            return Stmt(kind: .forIn(names: names, iterable: iterable, body: try block()), location: start)
        case .kwWhile:
            advance()
            let condition = try expression()
            return Stmt(kind: .whileLoop(condition, try block()), location: start)
        case .kwImport:
            advance()
            if case .string(let path) = peek.kind {
                advance()
                try expect(.kwAs, "'as name' after an import path")
                let (alias, _) = try identifier("a module name after 'as'")
                return Stmt(kind: .importModule(module: path, isPath: true, alias: alias), location: start)
            }
            let (name, _) = try identifier("a module name or a \"path.tx\" after 'import'")
            var alias = name
            if match(.kwAs) { alias = try identifier("a module name after 'as'").0 }
            return Stmt(kind: .importModule(module: name, isPath: false, alias: alias), location: start)
        case .kwTry:
            advance()
            let body = try block()
            skipNewlinesBefore(.kwCatch)
            try expect(.kwCatch, "'catch' after the try block")
            var name: String?
            if case .identifier(let n) = peek.kind { advance(); name = n }
            return Stmt(kind: .tryCatch(body, errorName: name, handler: try block()), location: start)
        case .leftBrace where !looksLikeDict():
            // A bare `{ ... }` block statement.
            let b = try block()
            return Stmt(kind: .expression(Expr(kind: .block(b), location: b.location)), location: start)
        default:
            let first = try expression()
            var targets = [first]
            if peek.kind == .comma {
                while match(.comma) { targets.append(try expression()) }
                guard peek.kind == .equal else {
                    throw error("'=' after the names to assign (a, b = ...)")
                }
            }
            let op: AssignOperator?
            switch peek.kind {
            case .equal: op = nil
            case .plusEqual: op = .add
            case .minusEqual: op = .sub
            case .starEqual: op = .mul
            case .slashEqual: op = .div
            default: return Stmt(kind: .expression(first), location: start)
            }
            let opToken = advance()
            for target in targets { try checkAssignable(target) }
            if op != nil && targets.count > 1 {
                throw TxError(.syntax, "'\(op!.rawValue)' needs exactly one target", file: file, at: opToken.location)
            }
            return Stmt(kind: .assign(targets: targets, op: op, value: try expressionList(), isLet: false), location: start)
        }
    }

    /// `a, b` on the right of `=` builds a list to destructure.
    private mutating func expressionList() throws -> Expr {
        let first = try expression()
        guard peek.kind == .comma else { return first }
        var items = [first]
        while match(.comma) { items.append(try expression()) }
        return Expr(kind: .list(items), location: first.location)
    }

    private func checkAssignable(_ target: Expr) throws {
        switch target.kind {
        case .name, .index, .member: return
        default:
            throw TxError(.syntax, "expected a name, element or key to assign to, found an expression", file: file, at: target.location, length: target.length)
        }
    }

    private mutating func skipNewlinesBefore(_ kind: TokenKind) {
        var offset = 0
        while peekKind(offset) == .newline { offset += 1 }
        if peekKind(offset) == kind { current += offset }
    }

    // function-rest := '(' (param (',' param)*)? ')' block ;  param := NAME ('=' expr)?
    private mutating func functionRest(name: String?, location: SourceLocation) throws -> FunctionDecl {
        try expect(.leftParen, "'(' after the function name")
        let parameters = try parameterList(closing: .rightParen)
        return FunctionDecl(name: name, parameters: parameters, body: try block(), location: location)
    }

    private mutating func parameterList(closing: TokenKind) throws -> [Parameter] {
        var parameters: [Parameter] = []
        var seenDefault = false
        while peek.kind != closing {
            let (name, at) = try identifier("a parameter name")
            if parameters.contains(where: { $0.name == name }) {
                throw TxError(.syntax, "parameter '\(name)' is declared twice", file: file, at: at)
            }
            var defaultValue: Expr?
            if match(.equal) { defaultValue = try expression(); seenDefault = true }
            else if seenDefault {
                throw TxError(.syntax, "parameter '\(name)' needs a default value because an earlier one has one", file: file, at: at)
            }
            parameters.append(Parameter(name: name, defaultValue: defaultValue, location: at))
            if !match(.comma) { break }
        }
        try expect(closing, "',' or ')' in the parameter list")
        return parameters
    }

    // MARK: - Expressions

    /// Binding powers, loosest first, as LANGUAGE.md lists them.
    private enum Precedence: Int, Comparable {
        case lowest = 0, pipe, lambda, or, and, not, comparison, range, term, factor, unary, power, postfix
        static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
    }

    /// The infix rule table: which precedence each infix token has.
    private func infixPrecedence(_ kind: TokenKind) -> Precedence? {
        switch kind {
        case .pipe: return .pipe
        case .kwOr: return .or
        case .kwAnd: return .and
        case .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .kwIn: return .comparison
        case .kwNot where peekKind(1) == .kwIn: return .comparison
        case .dotDot: return .range
        case .plus, .minus: return .term
        case .star, .slash, .percent, .at: return .factor
        case .starStar: return .power
        case .leftParen, .leftBracket, .dot: return .postfix
        default: return nil
        }
    }

    mutating func expression() throws -> Expr { try expression(.pipe) }

    private mutating func expression(_ minimum: Precedence) throws -> Expr {
        try nest(); defer { depth -= 1 }
        var left = try prefix()
        while let precedence = infixPrecedence(peek.kind), precedence >= minimum {
            let before = left.height
            left = try infix(left, precedence)
            left.height = max(left.height, before + 1)
            if left.height > Parser.maxHeight {
                throw TxError(.syntax, "expression too long: more than \(Parser.maxHeight) operations chained (split it over several statements)", file: file, at: left.location)
            }
        }
        return left
    }

    private mutating func infix(_ left: Expr, _ precedence: Precedence) throws -> Expr {
        let token = advance()
        let at = token.location
        func binary(_ op: BinaryOperator, _ parser: inout Parser) throws -> Expr {
            // Left-associative: the right operand binds one level tighter.
            let right = try parser.expression(Precedence(rawValue: precedence.rawValue + 1)!)
            return Expr(kind: .binary(op, left, right), location: at, length: token.length)
        }
        switch token.kind {
        case .pipe:
            return Expr(kind: .pipe(left, try expression(.lambda)), location: at, length: 2)
        case .kwOr: return Expr(kind: .or(left, try expression(.and)), location: at, length: 2)
        case .kwAnd: return Expr(kind: .and(left, try expression(.not)), location: at, length: 3)
        case .equalEqual: return try binary(.eq, &self)
        case .bangEqual: return try binary(.ne, &self)
        case .less: return try binary(.lt, &self)
        case .lessEqual: return try binary(.le, &self)
        case .greater: return try binary(.gt, &self)
        case .greaterEqual: return try binary(.ge, &self)
        case .kwIn: return try binary(.contains, &self)
        case .kwNot:
            advance()  // `not in`
            return try binary(.notContains, &self)
        case .dotDot: return Expr(kind: .range(left, try expression(.term)), location: at, length: 2)
        case .plus: return try binary(.add, &self)
        case .minus: return try binary(.sub, &self)
        case .star: return try binary(.mul, &self)
        case .slash: return try binary(.div, &self)
        case .percent: return try binary(.mod, &self)
        case .at: return try binary(.matmul, &self)
        case .starStar:
            // Right-associative, and its right side may be negated: 2 ** -1.
            let right = try expression(.unary)
            return Expr(kind: .binary(.pow, left, right), location: at, length: 2)
        case .leftParen:
            return Expr(kind: .call(left, try arguments()), location: left.location, length: left.length)
        case .leftBracket:
            return Expr(kind: .index(left, try subscripts()), location: at)
        case .dot:
            let (name, nameAt) = try identifier("a member name after '.'")
            return Expr(kind: .member(left, name), location: nameAt, length: name.count)
        default:
            throw error("an operator", at: token)
        }
    }

    // arguments := (arg (',' arg)*)? ')' ;  arg := (NAME ':')? expr
    private mutating func arguments() throws -> [Argument] {
        var args: [Argument] = []
        var seenKeyword = false
        while peek.kind != .rightParen {
            let at = peek.location
            if case .identifier(let name) = peek.kind, peekKind(1) == .colon {
                advance(); advance()
                if args.contains(where: { $0.name == name }) {
                    throw TxError(.syntax, "keyword argument '\(name)' is given twice", file: file, at: at)
                }
                args.append(Argument(name: name, value: try expression(), location: at))
                seenKeyword = true
            } else {
                if seenKeyword {
                    throw TxError(.syntax, "positional argument follows a keyword argument", file: file, at: at)
                }
                args.append(Argument(name: nil, value: try expression(), location: at))
            }
            if !match(.comma) { break }
        }
        try expect(.rightParen, "',' or ')' after an argument")
        return args
    }

    // subscripts := subscript (',' subscript)* ']' ;  subscript := expr | expr? ':' expr? (':' expr?)?
    private mutating func subscripts() throws -> [Subscript] {
        var result: [Subscript] = []
        repeat {
            if peek.kind == .rightBracket && !result.isEmpty { break }
            var start: Expr?
            if peek.kind != .colon { start = try expression() }
            if match(.colon) {
                var stop: Expr?, step: Expr?
                if peek.kind != .colon && peek.kind != .comma && peek.kind != .rightBracket { stop = try expression() }
                if match(.colon), peek.kind != .comma && peek.kind != .rightBracket { step = try expression() }
                result.append(.slice(start: start, stop: stop, step: step))
            } else if let start {
                result.append(.index(start))
            } else {
                throw error("an index or slice")
            }
        } while match(.comma)
        try expect(.rightBracket, "']' after the index")
        return result
    }

    private mutating func prefix() throws -> Expr {
        let token = peek
        let at = token.location
        switch token.kind {
        case .number(let n): advance(); return Expr(kind: .number(n), location: at, length: token.length)
        case .string(let s): advance(); return Expr(kind: .string(s), location: at, length: token.length)
        case .formatString(let raw):
            advance()
            return Expr(kind: .formatString(try formatParts(raw, at: at)), location: at, length: token.length)
        case .kwTrue: advance(); return Expr(kind: .bool(true), location: at, length: 4)
        case .kwFalse: advance(); return Expr(kind: .bool(false), location: at, length: 5)
        case .kwNil: advance(); return Expr(kind: .nilLiteral, location: at, length: 3)
        case .identifier(let name):
            if peekKind(1) == .arrow {  // x -> body
                advance(); advance()
                return try lambdaBody([Parameter(name: name, defaultValue: nil, location: at)], at: at)
            }
            advance()
            return Expr(kind: .name(name), location: at, length: name.count)
        case .minus:
            advance()
            return Expr(kind: .negate(try expression(.unary)), location: at)
        case .kwNot:
            advance()
            return Expr(kind: .not(try expression(.not)), location: at, length: 3)
        case .leftParen:
            if isLambdaParameterList() {
                advance()
                let parameters = try parameterList(closing: .rightParen)
                try expect(.arrow, "'->' after the lambda's parameters")
                return try lambdaBody(parameters, at: at)
            }
            advance()
            let inner = try expression()
            try expect(.rightParen, "')' to close '('")
            return inner
        case .leftBracket:
            advance()
            var items: [Expr] = []
            while peek.kind != .rightBracket {
                items.append(try expression())
                if !match(.comma) { break }
            }
            try expect(.rightBracket, "',' or ']' in the list")
            return Expr(kind: .list(items), location: at)
        case .leftBrace:
            return try dictLiteral()
        case .kwIf:
            return try ifExpression()
        case .kwFn where peekKind(1) == .leftParen:  // fn (x) { ... } as an expression
            advance()
            return Expr(kind: .lambda(try functionRest(name: nil, location: at)), location: at)
        default:
            throw error("an expression")
        }
    }

    /// Looks past a parenthesised group for `->`.
    private func isLambdaParameterList() -> Bool {
        var level = 0
        var i = current
        while i < tokens.count {
            switch tokens[i].kind {
            case .leftParen, .leftBracket, .leftBrace: level += 1
            case .rightParen, .rightBracket, .rightBrace:
                level -= 1
                if level == 0 { return i + 1 < tokens.count && tokens[i + 1].kind == .arrow }
            case .eof: return false
            default: break
            }
            i += 1
        }
        return false
    }

    // lambda-body := block | expr   (a `{` that starts `{key: ...}` or `{}` is a dict)
    private mutating func lambdaBody(_ parameters: [Parameter], at: SourceLocation) throws -> Expr {
        let body: Block
        if peek.kind == .leftBrace && !looksLikeDict() {
            body = try block()
        } else {
            let value = try expression(.lambda)
            body = Block(statements: [Stmt(kind: .expression(value), location: value.location)], location: value.location)
        }
        return Expr(kind: .lambda(FunctionDecl(name: nil, parameters: parameters, body: body, location: at)), location: at)
    }

    private func looksLikeDict() -> Bool {
        var i = 1
        while peekKind(i) == .newline { i += 1 }
        switch peekKind(i) {
        case .rightBrace: return true
        case .identifier, .string: return peekKind(i + 1) == .colon
        default: return false
        }
    }

    // dict := '{' ((NAME | STRING) ':' expr (',' ...)*)? '}'
    private mutating func dictLiteral() throws -> Expr {
        let open = advance()
        var entries: [(key: String, value: Expr)] = []
        skipNewlines()
        while peek.kind != .rightBrace {
            let key: String
            switch peek.kind {
            case .identifier(let name): key = name
            case .string(let s): key = s
            default: throw error("a key (a name or a string) in the dict")
            }
            advance()
            try expect(.colon, "':' after the dict key")
            entries.append((key, try expression()))
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        skipNewlines()
        try expect(.rightBrace, "',' or '}' in the dict")
        return Expr(kind: .dict(entries), location: open.location)
    }

    // if := 'if' expr block ('else' (if | block))?
    private mutating func ifExpression() throws -> Expr {
        let start = advance()
        let condition = try expression()
        let then = try block()
        var otherwise: Expr?
        skipNewlinesBefore(.kwElse)
        if match(.kwElse) {
            if peek.kind == .kwIf {
                elseIfChain += 1
                defer { elseIfChain -= 1 }
                if elseIfChain > Parser.maxHeight {
                    throw TxError(.syntax, "too many 'else if' branches in one chain (more than \(Parser.maxHeight))", file: file, at: peek.location)
                }
                otherwise = try ifExpression()
            } else {
                let b = try block()
                otherwise = Expr(kind: .block(b), location: b.location)
            }
        }
        return Expr(kind: .ifElse(condition, then, otherwise), location: start.location, length: 2)
    }

    // MARK: - f-strings

    /// Splits `acc = {acc:.3f}` into text and `{expr:spec}` parts, parsing each
    /// expression with positions mapped back into the original line.
    private func formatParts(_ raw: String, at: SourceLocation) throws -> [FormatPart] {
        var parts: [FormatPart] = []
        var text = ""
        let chars = Array(raw.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, chars[i + 1] == "{" || chars[i + 1] == "}" {
                text.unicodeScalars.append(chars[i + 1]); i += 2; continue
            }
            if (c == "{" || c == "}"), i + 1 < chars.count, chars[i + 1] == c {
                text.unicodeScalars.append(c); i += 2; continue
            }
            if c == "}" {
                throw TxError(.syntax, "single '}' in f-string (write '}}' for a literal brace)", file: file, at: SourceLocation(line: at.line, column: at.column + 2 + i))
            }
            guard c == "{" else { text.unicodeScalars.append(c); i += 1; continue }
            if !text.isEmpty { parts.append(.text(text)); text = "" }
            var level = 0, j = i + 1, colon: Int?
            var quote: Unicode.Scalar?
            while j < chars.count {
                let d = chars[j]
                if let q = quote { if d == q { quote = nil } }
                else if d == "\"" || d == "'" { quote = d }
                else if d == "(" || d == "[" || d == "{" { level += 1 }
                else if d == ")" || d == "]" || (d == "}" && level > 0) { level -= 1 }
                else if d == "}" { break }
                else if d == ":" && level == 0 && colon == nil { colon = j }
                j += 1
            }
            let exprStart = SourceLocation(line: at.line, column: at.column + 2 + i + 1)
            guard j < chars.count else {
                throw TxError(.syntax, "expected '}' to close '{' in the f-string", file: file, at: exprStart)
            }
            let end = colon ?? j
            var source = String.UnicodeScalarView()
            source.append(contentsOf: chars[(i + 1)..<end])
            let spec = colon.map { c -> String in
                var s = String.UnicodeScalarView(); s.append(contentsOf: chars[(c + 1)..<j]); return String(s)
            }
            parts.append(.value(try parseEmbedded(String(source), at: exprStart), spec: spec))
            i = j + 1
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return parts
    }

    private func parseEmbedded(_ source: String, at: SourceLocation) throws -> Expr {
        let inner = SourceFile(name: file.name, text: source)
        func shift(_ loc: SourceLocation) -> SourceLocation {
            loc.line == 1 ? SourceLocation(line: at.line, column: at.column + loc.column - 1) : loc
        }
        do {
            var toks = try Lexer.tokenize(inner)
            for k in toks.indices { toks[k].location = shift(toks[k].location) }
            var parser = Parser(file: file, tokens: toks)
            parser.skipNewlines()
            if parser.peek.kind == .eof {
                throw TxError(.syntax, "expected an expression inside '{}' in the f-string", file: file, at: at)
            }
            let expr = try parser.expression()
            parser.skipNewlines()
            guard parser.peek.kind == .eof else { throw parser.error("'}' after the f-string expression") }
            return expr
        } catch var e as TxError {
            if e.file === inner, let loc = e.location { e.location = shift(loc) }
            e.file = file
            e.incompleteInput = false
            throw e
        }
    }
}
