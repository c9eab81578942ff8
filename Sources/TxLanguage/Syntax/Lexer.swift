/// Turns source text into tokens.
///
/// Newlines end statements, except inside `(...)` and `[...]`, after a token
/// that cannot end an expression (an operator, `,`, `=`), and before a line
/// that starts with `|>` or `.` — so pipelines and method chains can wrap.
struct Lexer {
    private let file: SourceFile
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    /// Open brackets: `true` where newlines are significant (inside `{}`).
    private var brackets: [(kind: TokenKind, newlinesMatter: Bool, at: SourceLocation)] = []
    private var pendingNewline: SourceLocation?

    init(file: SourceFile) {
        self.file = file
        var scalars = Array(file.text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars[0] = " " }  // a UTF-8 byte-order mark
        self.scalars = scalars
    }

    /// Lexes the whole file.
    /// - Throws: `TxError` (.syntax) for a bad character, number or string;
    ///   `incompleteInput` is set when a string or bracket is still open at the end.
    static func tokenize(_ file: SourceFile) throws -> [Token] {
        var lexer = Lexer(file: file)
        return try lexer.run()
    }

    private mutating func run() throws -> [Token] {
        while true {
            skipSpaceAndComments()
            guard index < scalars.count else { break }
            let c = scalars[index]
            let start = SourceLocation(line: line, column: column)
            if c == "\n" {
                advance()
                if brackets.last?.newlinesMatter ?? true, pendingNewline == nil,
                   let last = tokens.last, !continuesLine(last.kind) {
                    pendingNewline = start
                }
                continue
            }
            if c == "\\" && (peek(1) == "\n" || (peek(1) == "\r" && peek(2) == "\n")) {  // explicit line join
                advance()
                if scalars[index] == "\r" { advance() }
                advance()
                continue
            }
            if isIdentStart(c) {
                if (c == "f" || c == "F"), peek(1) == "\"" || peek(1) == "'" {
                    advance()
                    let text = try lexString(start: start, format: true)
                    emit(.formatString(text), at: start)
                    continue
                }
                var name = ""
                while index < scalars.count, isIdentPart(scalars[index]) { name.unicodeScalars.append(scalars[index]); advance() }
                emit(TokenKind.keywords[name] ?? .identifier(name), at: start)
                continue
            }
            if c.properties.numericType != nil && c.isASCII {
                emit(.number(try lexNumber(start: start)), at: start)
                continue
            }
            if c == "\"" || c == "'" {
                emit(.string(try lexString(start: start)), at: start)
                continue
            }
            guard let (text, kind) = TokenKind.punctuation.first(where: { matches($0.0) }) else {
                throw TxError(.syntax, "unexpected character '\(c)'", file: file, at: start)
            }
            for _ in text.unicodeScalars { advance() }
            switch kind {
            case .leftParen, .leftBracket: brackets.append((kind, false, start))
            case .leftBrace: brackets.append((kind, true, start))
            case .rightParen, .rightBracket, .rightBrace:
                let opener: TokenKind = kind == .rightParen ? .leftParen : kind == .rightBracket ? .leftBracket : .leftBrace
                guard let top = brackets.last else {
                    throw TxError(.syntax, "unexpected \(kind.spelling) with no matching opening bracket", file: file, at: start)
                }
                guard top.kind == opener else {
                    throw TxError(.syntax, "expected closing bracket for \(top.kind.spelling) opened at line \(top.at.line), found \(kind.spelling)", file: file, at: start)
                }
                brackets.removeLast()
            default: break
            }
            emit(kind, at: start, length: text.unicodeScalars.count)
        }
        // "End of input" errors point just past the last token, not at a
        // phantom line after the file's final newline.
        let end = tokens.last.map { SourceLocation(line: $0.location.line, column: $0.location.column + $0.length) }
            ?? SourceLocation(line: 1, column: 1)
        if let open = brackets.last {
            var error = TxError(.syntax, "\(open.kind.spelling) opened here is never closed", file: file, at: open.at)
            error.incompleteInput = true
            throw error
        }
        if let last = tokens.last, continuesLine(last.kind), last.kind != .leftBrace {
            var error = TxError(.syntax, "expected an expression after \(last.kind.spelling), found end of input", file: file, at: end)
            error.incompleteInput = true
            throw error
        }
        tokens.append(Token(kind: .newline, location: end, length: 1))
        tokens.append(Token(kind: .eof, location: end, length: 1))
        return tokens
    }

    /// Tokens after which a line break cannot end the statement.
    private func continuesLine(_ kind: TokenKind) -> Bool {
        switch kind {
        case .plus, .minus, .star, .slash, .percent, .at, .starStar, .equal, .plusEqual,
             .minusEqual, .starEqual, .slashEqual, .equalEqual, .bangEqual, .less,
             .lessEqual, .greater, .greaterEqual, .dotDot, .arrow, .pipe, .comma, .dot,
             .kwAnd, .kwOr, .kwNot, .leftBrace, .leftParen, .leftBracket, .colon:
            return true
        default: return false
        }
    }

    private mutating func emit(_ kind: TokenKind, at location: SourceLocation, length: Int? = nil) {
        if let newline = pendingNewline {
            pendingNewline = nil
            // A line starting with `|>` or `.` continues the previous one.
            if kind != .pipe && kind != .dot {
                tokens.append(Token(kind: .newline, location: newline, length: 1))
            }
        }
        let len = length ?? max(1, column - location.column)
        tokens.append(Token(kind: kind, location: location, length: location.line == line ? len : 1))
    }

    private func matches(_ text: String) -> Bool {
        var i = index
        for s in text.unicodeScalars {
            guard i < scalars.count, scalars[i] == s else { return false }
            i += 1
        }
        return true
    }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    private mutating func skipSpaceAndComments() {
        while index < scalars.count {
            let c = scalars[index]
            if c == " " || c == "\t" || c == "\r" { advance() }
            else if c == "#" { while index < scalars.count, scalars[index] != "\n" { advance() } }
            else { return }
        }
    }

    private func isIdentStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }
    private func isIdentPart(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || (c >= "0" && c <= "9") }
    private func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0 >= "0" && $0 <= "9" } ?? false }

    // number := digits ('.' digits)? (('e'|'E') ('+'|'-')? digits)?   with '_' between digits
    private mutating func lexNumber(start: SourceLocation) throws -> Double {
        var text = ""
        func digits(_ lexer: inout Lexer) {
            while let c = lexer.peek(0), lexer.isDigit(c) || (c == "_" && lexer.isDigit(lexer.peek(1))) {
                if c != "_" { text.unicodeScalars.append(c) }
                lexer.advance()
            }
        }
        digits(&self)
        if peek(0) == ".", isDigit(peek(1)) {  // `0..10` is a range, not `0.` then `.10`
            text += "."; advance(); digits(&self)
        }
        if let e = peek(0), e == "e" || e == "E" {
            let sign = peek(1)
            let hasSign = sign == "+" || sign == "-"
            if isDigit(peek(hasSign ? 2 : 1)) {
                text += "e"; advance()
                if hasSign { text.unicodeScalars.append(sign!); advance() }
                digits(&self)
            }
        }
        if let c = peek(0), isIdentStart(c) {
            throw TxError(.syntax, "unexpected '\(c)' after number \(text)", file: file, at: SourceLocation(line: line, column: column))
        }
        guard let value = Double(text) else {
            throw TxError(.syntax, "malformed number '\(text)'", file: file, at: start)
        }
        return value
    }

    // string := quote (char | escape)* quote, on one line; escapes \n \t \r \0 \\ \" \' \{ \} \u{XXXX}
    private mutating func lexString(start: SourceLocation, format: Bool = false) throws -> String {
        let quote = scalars[index]
        advance()
        var out = String.UnicodeScalarView()
        while true {
            guard index < scalars.count, scalars[index] != "\n" else {
                var error = TxError(.syntax, "unterminated string: expected a closing \(quote == "\"" ? "'\"'" : "\"'\"") before the end of the line", file: file, at: start)
                error.incompleteInput = false
                throw error
            }
            let c = scalars[index]
            advance()
            if c == quote { break }
            guard c == "\\" else { out.append(c); continue }
            guard index < scalars.count else { continue }
            let escapeAt = SourceLocation(line: line, column: column - 1)
            let e = scalars[index]
            advance()
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "0": out.append("\0")
            case "\\", "\"", "'": out.append(e)
            case "{", "}":  // in an f-string, kept escaped for the splitter
                if format { out.append("\\") }
                out.append(e)
            case "u":
                guard peek(0) == "{" else {
                    throw TxError(.syntax, "expected '{' after \\u (write \\u{1F600})", file: file, at: escapeAt)
                }
                advance()
                var hex = ""
                while let h = peek(0), h != "}", h != quote, hex.count < 9 { hex.unicodeScalars.append(h); advance() }
                guard peek(0) == "}", let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                    throw TxError(.syntax, "invalid unicode escape \\u{\(hex)}", file: file, at: escapeAt)
                }
                advance()
                out.append(scalar)
            default:
                throw TxError(.syntax, "unknown escape '\\\(e)' (valid: \\n \\t \\\\ \\\" \\' \\u{...})", file: file, at: escapeAt)
            }
        }
        return String(out)
    }
}
