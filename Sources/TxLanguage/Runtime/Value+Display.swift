import TxTensor
#if canImport(Glibc)
import Glibc
#endif

/// An integral number prints as an integer (`3`, `-2`, `1000000`); others as
/// the shortest decimal that reads back exactly, like Python's `repr`.
public func formatNumber(_ x: Double) -> String {
    // Small whole numbers (counters, keys built with str(i)) from a table.
    if x >= 0, x < 1024 {
        let i = Int(x)
        if Double(i) == x { return smallIntegerStrings[i] }
    }
    if x == x.rounded(), abs(x) < 1e16 {
        return x == 0 ? "0" : String(Int64(x))
    }
    return x.description  // Swift's shortest round-trip form: 0.1, 1e-05, inf, nan
}

/// "0" … "1023", made once.
private let smallIntegerStrings: [String] = (0..<1024).map { String($0) }

extension Value {
    /// What `print` and `str` show: strings bare, everything else as in `repr`.
    public var printed: String {
        if case .string(let s) = self { return s }
        if case .number(let x) = self { return formatNumber(x) }  // as repr, without its buffers
        return repr
    }

    /// The display form used inside lists and dicts and by the REPL echo.
    public var repr: String {
        var out = ""
        var seen = Set<ObjectIdentifier>()
        write(to: &out, seen: &seen, depth: 0)
        return out
    }

    /// Appends the display form to one buffer (no copying per level); a list
    /// that contains itself shows as `[...]`, and nesting deeper than a
    /// thousand levels is cut to `…`.
    private func write(to out: inout String, seen: inout Set<ObjectIdentifier>, depth: Int) {
        switch self {
        case .nil: out += "nil"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += formatNumber(n)
        case .string(let s): out += quoted(s)
        case .list(let l):
            let id = ObjectIdentifier(l)
            if seen.contains(id) { out += "[...]"; return }
            if depth >= 1000 { out += "[…]"; return }
            seen.insert(id); defer { seen.remove(id) }
            out += "["
            for (i, item) in l.items.enumerated() {
                if i > 0 { out += ", " }
                item.write(to: &out, seen: &seen, depth: depth + 1)
            }
            out += "]"
        case .dict(let d):
            let id = ObjectIdentifier(d)
            if seen.contains(id) { out += "{...}"; return }
            if depth >= 1000 { out += "{…}"; return }
            seen.insert(id); defer { seen.remove(id) }
            out += "{"
            for (i, (k, v)) in d.entries.enumerated() {
                if i > 0 { out += ", " }
                out += isIdentifier(k) ? k : quoted(k)
                out += ": "
                v.write(to: &out, seen: &seen, depth: depth + 1)
            }
            out += "}"
        case .range(let r):
            out += r.step == 1 ? "\(formatNumber(r.start))..\(formatNumber(r.stop))"
                : "range(\(formatNumber(r.start)), \(formatNumber(r.stop)), \(formatNumber(r.step)))"
        case .function(let f): out += f.displayName
        case .tensor(let t): out += depth == 0 ? t.display : t.summary
        case .object(let o): out += o.display
        }
    }
}

func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
    return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
        && TokenKind.keywords[s] == nil
}

/// A string quoted for an error message, cut to 60 characters.
func quotedShort(_ s: String) -> String {
    s.count <= 60 ? quoted(s) : quoted(String(s.prefix(57))) + "…"
}

/// A string as a tx literal: `"a\n"`.
func quoted(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if c.value < 0x20 { out += "\\u{\(String(c.value, radix: 16))}" } else { out.unicodeScalars.append(c) }
        }
    }
    return out + "\""
}

// MARK: - Format specs

/// Applies a Python format-spec subset — `[[fill]align][sign][0][width][,][.precision][type]`
/// with types `f e g % d s` — to a value, as f-strings do.
func applyFormatSpec(_ value: Value, _ spec: String) throws -> String {
    var chars = Array(spec)
    var fill: Character = " ", align: Character?
    if chars.count >= 2, "<>^".contains(chars[1]) { fill = chars[0]; align = chars[1]; chars.removeFirst(2) }
    else if let c = chars.first, "<>^".contains(c) { align = c; chars.removeFirst() }
    var sign: Character = "-"
    if let c = chars.first, "+- ".contains(c) { sign = c; chars.removeFirst() }
    if chars.first == "0" { fill = "0"; if align == nil { align = "=" }; chars.removeFirst() }
    var width = 0
    while let c = chars.first, c.isASCII, let d = c.wholeNumberValue {
        width = width * 10 + d
        chars.removeFirst()
        if width > 10_000 { throw TxError.runtime("format spec '\(spec)' asks for too wide a field (at most 10000)") }
    }
    var grouping = false
    if chars.first == "," { grouping = true; chars.removeFirst() }
    var precision: Int?
    if chars.first == "." {
        chars.removeFirst()
        var p = 0, any = false
        while let c = chars.first, c.isASCII, let d = c.wholeNumberValue {
            p = p * 10 + d; any = true; chars.removeFirst()
            if p > 100 { throw TxError.runtime("format spec '\(spec)' asks for too many digits (at most 100)") }
        }
        guard any else { throw TxError.runtime("bad format spec '\(spec)': expected digits after '.'") }
        precision = p
    }
    let type = chars.first
    if chars.count > 1 || (type != nil && !"fFeEgGd%s".contains(type!)) {
        throw TxError.runtime("bad format spec '\(spec)' (supported: [fill][<>^][+][0][width][,][.precision][f e g % d s])")
    }
    if width > 10_000 || (precision ?? 0) > 100 { throw TxError.runtime("format spec '\(spec)' asks for too wide a field") }

    var body: String
    var negative = false
    switch value {
    case .number(let x) where type != "s":
        negative = x < 0 || (x == 0 && x.sign == .minus && type != "d")
        let m = abs(x)
        switch type {
        case "f", "F": body = cFormat(m, "f", precision ?? 6)
        case "e", "E": body = cFormat(m, type == "e" ? "e" : "E", precision ?? 6)
        case "g", "G": body = cFormat(m, type == "g" ? "g" : "G", precision ?? 6)
        case "%": body = cFormat(m * 100, "f", precision ?? 6) + "%"
        case "d":
            guard x == x.rounded(), x.isFinite else {
                throw TxError.runtime("format 'd' needs an integer, got \(formatNumber(x))")
            }
            body = cFormat(m, "f", 0)
        default: body = precision.map { cFormat(m, "g", $0) } ?? formatNumber(m)
        }
        if grouping, m.isFinite { body = group(body) }
        if negative { body = "-" + body } else if sign == "+" { body = "+" + body } else if sign == " " { body = " " + body }
    case .number where type == "s", .string, .nil, .bool, .list, .dict, .range, .function, .tensor, .object:
        if let t = type, t != "s" {
            throw TxError.runtime("format '\(t)' needs a number, got \(value.typeName)")
        }
        body = value.printed
        if let p = precision { body = String(body.prefix(p)) }
    default:
        body = value.printed
    }
    let length = body.count
    guard width > length else { return body }
    let pad = width - length
    let isNumber: Bool = { if case .number = value { return true } else { return false } }()
    switch align ?? (isNumber ? ">" : "<") {
    case "<": return body + String(repeating: fill, count: pad)
    case "^": return String(repeating: fill, count: pad / 2) + body + String(repeating: fill, count: pad - pad / 2)
    case "=":
        if let first = body.first, "+- ".contains(first) {
            return String(first) + String(repeating: fill, count: pad) + body.dropFirst()
        }
        return String(repeating: fill, count: pad) + body
    default: return String(repeating: fill, count: pad) + body
    }
}

private func cFormat(_ x: Double, _ conversion: String, _ precision: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return "inf" }
    var buffer = [CChar](repeating: 0, count: 512)
    let format = "%.\(precision)\(conversion)"
    let n = withVaList([x]) { vsnprintf(&buffer, buffer.count, format, $0) }
    if n >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(n) + 1)
        _ = withVaList([x]) { vsnprintf(&buffer, buffer.count, format, $0) }
    }
    return String(cString: buffer)
}

private func group(_ s: String) -> String {
    let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let digits = Array(parts[0])
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(d)
    }
    return parts.count > 1 ? out + "." + parts[1] : out
}
