#if canImport(Glibc)
import Glibc
#endif
import TxTensor

/// A table of named columns, each all numbers or all strings, of equal
/// length. Missing numbers are NaN (an empty CSV field in a numeric column);
/// missing strings are "". Tables are values: operations return new ones.
public struct Table: CustomStringConvertible, Sendable {
    public enum Column: Equatable, Sendable {
        case number([Double])
        case text([String])

        public var count: Int {
            switch self {
            case .number(let v): return v.count
            case .text(let v): return v.count
            }
        }

        func select(_ rows: [Int]) -> Column {
            switch self {
            case .number(let v): return .number(rows.map { v[$0] })
            case .text(let v): return .text(rows.map { v[$0] })
            }
        }
    }

    public let names: [String]
    public let columns: [Column]

    /// - Throws: `DataError` for duplicate names, a name/column count mismatch,
    ///   or columns of different lengths.
    public init(names: [String], columns: [Column]) throws {
        guard names.count == columns.count else {
            throw DataError("a table needs one name per column: \(names.count) names for \(columns.count) columns")
        }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted { throw DataError("column '\(n)' appears twice") }
        if let first = columns.first, let bad = columns.firstIndex(where: { $0.count != first.count }) {
            throw DataError("column '\(names[bad])' has \(columns[bad].count) values but '\(names[0])' has \(first.count)")
        }
        self.names = names
        self.columns = columns
    }

    public var rowCount: Int { columns.first?.count ?? 0 }

    public func column(_ name: String) -> Column? {
        names.firstIndex(of: name).map { columns[$0] }
    }

    /// The column, or an error listing the columns there are.
    public func requireColumn(_ name: String) throws -> Column {
        guard let c = column(name) else {
            throw DataError("the table has no column '\(name)' (columns: \(names.joined(separator: ", ")))")
        }
        return c
    }

    /// The rows at `indices`, in that order (indices must be in range).
    public func selecting(rows indices: [Int]) -> Table {
        // Same names and lengths: can't fail.
        try! Table(names: names, columns: columns.map { $0.select(indices) })
    }

    /// Rows ordered by one column (stable; NaN and "" last in either direction).
    public func sorted(by name: String, reverse: Bool = false) throws -> Table {
        let c = try requireColumn(name)
        var order = Array(0..<rowCount)
        switch c {
        case .number(let v):
            order.sortStable { a, b in
                let x = v[a], y = v[b]
                if x.isNaN || y.isNaN { return !x.isNaN && y.isNaN }
                return reverse ? x > y : x < y
            }
        case .text(let v):
            order.sortStable { a, b in
                let x = v[a], y = v[b]
                if x.isEmpty || y.isEmpty { return !x.isEmpty && y.isEmpty }
                return reverse ? x > y : x < y
            }
        }
        return selecting(rows: order)
    }

    // MARK: - Display

    /// At most this many rows are shown; longer tables show the first and last few.
    public static let displayRows = 20

    /// Columns aligned (numbers right, text left), long tables cut in the
    /// middle, then `(N rows × M columns)`.
    public var description: String {
        let n = rowCount
        let shown: [Int?] = n <= Table.displayRows ? Array(0..<n)
            : Array(0..<10) + [nil] + Array((n - 5)..<n)
        var lines = [[String]](repeating: [], count: shown.count + 1)
        var rightAligned: [Bool] = []
        for (j, c) in columns.enumerated() {
            var cells = [Table.clip(names[j])]
            for r in shown {
                guard let r else { cells.append("…"); continue }
                switch c {
                case .number(let v): cells.append(Table.displayNumber(v[r]))
                case .text(let v): cells.append(Table.clip(v[r]))
                }
            }
            let width = cells.map(\.count).max() ?? 0
            let right: Bool
            if case .number = c { right = true } else { right = false }
            rightAligned.append(right)
            for (k, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: width - cell.count)
                lines[k].append(right ? pad + cell : cell + pad)
            }
        }
        var out = lines.map { cells -> String in
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
        if columns.isEmpty { out = [] }
        out.append("(\(n) row\(n == 1 ? "" : "s") × \(columns.count) column\(columns.count == 1 ? "" : "s"))")
        return out.joined(separator: "\n")
    }

    static func clip(_ s: String) -> String {
        var s = s.replacingNewlines()
        if s.count > 30 { s = String(s.prefix(29)) + "…" }
        return s
    }

    /// Up to 6 significant digits (`%.6g`), whole numbers without a point, NaN blank.
    static func displayNumber(_ x: Double) -> String {
        if x.isNaN { return "" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([x]) { vsnprintf(&buffer, 32, "%.6g", $0) }
        return String(cString: buffer)
    }

    /// The shortest text that reads back as the same number (CSV output):
    /// `3`, `0.1`, `1e-05`, `inf`; NaN is an empty field.
    static func csvNumber(_ x: Double) -> String {
        if x.isNaN { return "" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return x.description
    }
}

private extension String {
    func replacingNewlines() -> String {
        guard contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return self }
        return String(map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}

private extension Array where Element == Int {
    /// A stable sort (merge sort on indices).
    mutating func sortStable(by less: (Int, Int) -> Bool) {
        let keyed = enumerated().map { ($0.offset, $0.element) }
        self = keyed.sorted { a, b in
            if less(a.1, b.1) { return true }
            if less(b.1, a.1) { return false }
            return a.0 < b.0
        }.map(\.1)
    }
}

// MARK: - CSV

/// Reads a CSV file (RFC 4180) with a header row into a table.
///
/// Fields are separated by commas; a field may be quoted with `"` (a quote
/// inside is written `""`), and a quoted field may hold commas and line
/// breaks. Lines end with LF, CRLF or CR; a UTF-8 byte-order mark is skipped;
/// blank lines are skipped. A column is numeric when every non-empty field in
/// it is a number (decimal, with an optional exponent, or `nan`/`inf`) and at
/// least one is; its empty fields become NaN. Otherwise it holds strings.
/// Empty header names become `column1`, `column2`, … (by position).
///
/// - Throws: `DataError` naming the file and line for an unreadable or empty
///   file, a row with a different number of fields than the header, an
///   unterminated quote, text after a closing quote, or a duplicate column name.
public func readCSV(_ path: String) throws -> Table {
    try CSV.parse(try NumPy.readFile(path), name: path)
}

/// Writes a table as CSV (header row, `\n` line ends, fields quoted only when
/// they hold a comma, quote, line break or leading/trailing space; numbers in
/// their shortest exact form; NaN as an empty field), atomically.
public func writeCSV(_ path: String, _ table: Table) throws {
    try NumPy.writeAtomically(path, Array(CSV.encode(table).utf8))
}

public enum CSV {
    /// The records of CSV text: lists of fields, each with the line it starts on.
    static func records(_ bytes: [UInt8], name: String) throws -> [(line: Int, fields: [String])] {
        func fail(_ line: Int, _ problem: String) -> DataError { DataError("can't read '\(name)': line \(line): \(problem)") }
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(0x0A), cr = UInt8(0x0D)
        var out: [(line: Int, fields: [String])] = []
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        let n = bytes.count
        while i < n {
            // A blank line.
            if bytes[i] == lf || bytes[i] == cr {
                if bytes[i] == cr, i + 1 < n, bytes[i + 1] == lf { i += 1 }
                i += 1; line += 1
                continue
            }
            let start = line
            var fields: [String] = []
            var endOfRecord = false
            while !endOfRecord {
                var field: [UInt8] = []
                if i < n, bytes[i] == quote {
                    let quoteLine = line
                    i += 1
                    while true {
                        guard i < n else { throw fail(quoteLine, "a quoted field is never closed (a \" is missing)") }
                        let c = bytes[i]
                        if c == quote {
                            if i + 1 < n, bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                            i += 1
                            break
                        }
                        if c == lf || (c == cr && !(i + 1 < n && bytes[i + 1] == lf)) { line += 1 }
                        field.append(c)
                        i += 1
                    }
                    if i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr {
                        throw fail(line, "unexpected text after a closing quote (write a quote inside a quoted field as \"\")")
                    }
                } else {
                    // A bare quote inside an unquoted field is kept as text.
                    while i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr { field.append(bytes[i]); i += 1 }
                }
                fields.append(String(decoding: field, as: UTF8.self))
                if i < n, bytes[i] == comma { i += 1; continue }
                if i < n {  // a line end
                    if bytes[i] == cr, i + 1 < n, bytes[i + 1] == lf { i += 1 }
                    i += 1; line += 1
                }
                endOfRecord = true
            }
            out.append((start, fields))
        }
        return out
    }

    /// Parses CSV bytes (see ``readCSV(_:)``); `name` names the file in errors.
    public static func parse(_ bytes: [UInt8], name: String) throws -> Table {
        let recs = try records(bytes, name: name)
        guard let header = recs.first else { throw DataError("can't read '\(name)': the file is empty (a CSV file needs a header row)") }
        let names = header.fields.enumerated().map { $0.element.isEmpty ? "column\($0.offset + 1)" : $0.element }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted {
            throw DataError("can't read '\(name)': column '\(n)' appears twice in the header")
        }
        let width = names.count
        var cells = [[String]](repeating: [], count: width)
        for r in recs.dropFirst() {
            guard r.fields.count == width else {
                throw DataError("can't read '\(name)': line \(r.line) has \(r.fields.count) field\(r.fields.count == 1 ? "" : "s") but the header has \(width)")
            }
            for j in 0..<width { cells[j].append(r.fields[j]) }
        }
        return try Table(names: names, columns: cells.map(inferColumn))
    }

    /// Numbers when every non-empty field is one (and one is); else strings.
    static func inferColumn(_ fields: [String]) -> Table.Column {
        var values: [Double] = []
        values.reserveCapacity(fields.count)
        var any = false
        for f in fields {
            let t = f.trimmingCharacters()
            if t.isEmpty { values.append(.nan); continue }
            guard let x = number(t) else { return .text(fields) }
            values.append(x)
            any = true
        }
        return any ? .number(values) : .text(fields)
    }

    /// A decimal number (`-1.5e3`, `.5`, `7`) or nan/inf; nothing else (no hex, no `_`).
    static func number(_ s: String) -> Double? {
        switch s.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        guard s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 43 || $0 == 45 || $0 == 101 || $0 == 69 }),
              s.utf8.contains(where: { $0 >= 48 && $0 <= 57 }) else { return nil }
        return Double(s)
    }

    /// The CSV text of a table (see ``writeCSV(_:_:)``).
    public static func encode(_ table: Table) -> String {
        var out = table.names.map(quoted).joined(separator: ",") + "\n"
        for r in 0..<table.rowCount {
            let line = table.columns.map { c -> String in
                switch c {
                case .number(let v): return Table.csvNumber(v[r])
                case .text(let v): return quoted(v[r])
                }
            }.joined(separator: ",")
            // A blank line would be skipped on reading: an empty lone field is quoted.
            out += (line.isEmpty ? "\"\"" : line) + "\n"
        }
        return out
    }

    static func quoted(_ s: String) -> String {
        let needs = s.utf8.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            || s.first == " " || s.last == " "
        guard needs else { return s }
        return "\"" + String(s.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}

private extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
