/// A position in a source file, 1-based, in Unicode scalars.
public struct SourceLocation: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
}

/// The kinds of token the lexer produces. Keywords have their own kinds so
/// the parser can switch on them.
public enum TokenKind: Equatable, Sendable {
    case identifier(String)
    case number(Double)
    case string(String)
    /// The raw text between the quotes of `f"..."`, escapes already decoded.
    /// `contentStart` is where that text starts, for locating errors inside.
    case formatString(String)
    // Punctuation and operators.
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, dot, colon, semicolon, question
    case plus, minus, star, slash, percent, at, starStar
    case equal, plusEqual, minusEqual, starEqual, slashEqual
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case dotDot, arrow, pipe
    // Keywords.
    case kwLet, kwFn, kwReturn, kwIf, kwElse, kwFor, kwIn, kwWhile, kwBreak, kwContinue
    case kwAnd, kwOr, kwNot, kwTrue, kwFalse, kwNil, kwImport, kwAs, kwTry, kwCatch
    case newline
    case eof

    static let keywords: [String: TokenKind] = [
        "let": .kwLet, "fn": .kwFn, "return": .kwReturn, "if": .kwIf, "else": .kwElse,
        "for": .kwFor, "in": .kwIn, "while": .kwWhile, "break": .kwBreak,
        "continue": .kwContinue, "and": .kwAnd, "or": .kwOr, "not": .kwNot,
        "true": .kwTrue, "false": .kwFalse, "nil": .kwNil, "import": .kwImport,
        "as": .kwAs, "try": .kwTry, "catch": .kwCatch,
    ]

    /// The language's keywords, for completion and "did you mean".
    public static var keywordNames: [String] { keywords.keys.sorted() }

    /// How the token reads in an error message ("expected ')', found 'end of input'").
    var spelling: String {
        switch self {
        case .identifier(let s): return "name '\(s)'"
        case .number(let n): return "number \(formatNumber(n))"
        case .string: return "a string"
        case .formatString: return "an f-string"
        case .newline: return "end of line"
        case .eof: return "end of input"
        default:
            if let k = TokenKind.keywords.first(where: { $0.value == self }) { return "'\(k.key)'" }
            return "'\(TokenKind.punctuation.first(where: { $0.1 == self })?.0 ?? "?")'"
        }
    }

    /// Punctuation, longest first so the lexer can match greedily.
    static let punctuation: [(String, TokenKind)] = [
        ("**", .starStar), ("==", .equalEqual), ("!=", .bangEqual), ("<=", .lessEqual),
        (">=", .greaterEqual), ("+=", .plusEqual), ("-=", .minusEqual), ("*=", .starEqual),
        ("/=", .slashEqual), ("..", .dotDot), ("->", .arrow), ("|>", .pipe),
        ("(", .leftParen), (")", .rightParen), ("[", .leftBracket), ("]", .rightBracket),
        ("{", .leftBrace), ("}", .rightBrace), (",", .comma), (".", .dot), (":", .colon),
        (";", .semicolon), ("?", .question), ("+", .plus), ("-", .minus), ("*", .star),
        ("/", .slash), ("%", .percent), ("@", .at), ("=", .equal), ("<", .less), (">", .greater),
    ]
}

/// One token and where it starts.
public struct Token: Sendable {
    public var kind: TokenKind
    public var location: SourceLocation
    /// Length in Unicode scalars, for carets.
    public var length: Int
}
