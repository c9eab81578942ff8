import OrderedCollections
import TxData
import TxTensor

extension Builtins {
    /// Tables: `read_csv`, `write_csv`, `table(records)`.
    static let tables: [Builtin] = [
        Builtin("read_csv(path)", "Reads a CSV file (RFC 4180: header row, quoted fields, CRLF) as a table; a column whose non-empty fields are all numbers is numeric (empty → missing), any other holds strings.",
                example: #"write_csv("/tmp/tx-example.csv", table([{model: "a", acc: 0.9}])); read_csv("/tmp/tx-example.csv")"#) { a in
            .object(TableObject(try readCSV(try a.string("path"))))
        },
        Builtin("write_csv(path, t)", "Writes a table (or a list of dicts) as CSV, atomically; missing numbers are empty fields.",
                example: #"write_csv("/tmp/tx-example.csv", table([{a: 1, b: "x"}, {a: 2, b: "y"}]))"#) { a in
            try writeCSV(try a.string("path"), try tableArgument(a["t"], "write_csv"))
            return .nil
        },
        Builtin("table(records)", "A table from a list of dicts (one per row; keys become columns in first-seen order, missing keys are missing values) or a dict of equal-length columns.",
                example: #"table([{model: "resnet", acc: 76.1}, {model: "vit", acc: 81.2}])"#) { a in
            .object(TableObject(try tableArgument(a["records"], "table")))
        },
    ]

    /// Properties and methods of tables.
    static let tableMethods: [Builtin] = [
        Builtin("columns", "The column names.", example: #"table([{a: 1, b: 2}]).columns   # ["a", "b"]"#, receiver: "table") { a in
            .list(ListObject(try tableReceiver(a).names.map { .string($0) }))
        },
        Builtin("rows", "The rows, a list of dicts (missing numbers are nil).", example: #"table([{a: 1}, {a: 2}]).rows[1].a   # 2"#,
                receiver: "table") { a in
            let t = try tableReceiver(a)
            return .list(ListObject((0..<t.rowCount).map { rowValue(t, $0) }))
        },
        Builtin("col(name)", "A column: a tensor for a numeric column (missing values are nan), a list of strings otherwise. t[name] is the same.",
                example: #"table([{acc: 0.5}, {acc: 0.75}]).col("acc").mean()   # 0.625"#, receiver: "table") { a in
            try columnValue(try tableReceiver(a), try a.string("name"))
        },
        Builtin("where(fn)", "The rows r for which fn(r) is truthy (r is a dict), as a table.",
                example: #"table([{m: "a", acc: 0.5}, {m: "b", acc: 0.9}]).where(r -> r.acc > 0.6)"#, receiver: "table") { a in
            let t = try tableReceiver(a)
            let f = try a.function("fn")
            var keep: [Int] = []
            for i in 0..<t.rowCount where try a.call(f, rowValue(t, i)).isTruthy { keep.append(i) }
            return .object(TableObject(t.selecting(rows: keep)))
        },
        Builtin("sort(col, reverse = false)", "The rows ordered by one column (stable; missing values last).",
                example: #"table([{m: "a", acc: 0.5}, {m: "b", acc: 0.9}]).sort("acc", reverse: true)"#, receiver: "table") { a in
            .object(TableObject(try tableReceiver(a).sorted(by: try a.string("col"), reverse: try a.bool("reverse"))))
        },
    ]
}

/// A table as a tx value: `len(t)`, `t["col"]`, `t[i]` (a row dict),
/// `for row in t`, members from `Builtins.tableMethods`.
final class TableObject: NativeObject, SizedObject, IndexableObject, IterableObject {
    let table: Table
    init(_ table: Table) { self.table = table }

    var typeName: String { "table" }
    var display: String { table.description }
    var count: Int { table.rowCount }
    var memberNames: [String] { ["columns", "rows"] }

    func member(_ name: String, _ interp: Interpreter) throws -> Value? { nil }

    /// `t["acc"]` → the column; `t[i]` → row i as a dict (negative i counts from the end).
    func element(_ index: Value) throws -> Value {
        switch index {
        case .string(let name): return try columnValue(table, name)
        case .number(let x):
            return rowValue(table, try resolveIndex(.number(x), count: table.rowCount, what: "table"))
        default:
            throw TxError.runtime("a table is indexed by a column name or a row number, got \(index.typeName)")
        }
    }

    func makeIterator() throws -> AnyIterator<Value> {
        var i = 0
        let t = table
        return AnyIterator {
            guard i < t.rowCount else { return nil }
            defer { i += 1 }
            return rowValue(t, i)
        }
    }
}

private func tableReceiver(_ a: Arguments) throws -> Table {
    guard case .object(let o as TableObject)? = a.receiver else { throw TxError.runtime("expected a table receiver") }
    return o.table
}

private func columnValue(_ t: Table, _ name: String) throws -> Value {
    guard let c = t.column(name) else {
        throw TxError.runtime("the table has no column '\(name)' (columns: \(t.names.joined(separator: ", ")))\(didYouMean(name, t.names))")
    }
    switch c {
    case .number(let v): return .tensor(Tensor(shape: [v.count], data: v.map { Float($0) }))
    case .text(let v): return .list(ListObject(v.map { .string($0) }))
    }
}

private func rowValue(_ t: Table, _ i: Int) -> Value {
    var entries = OrderedDictionary<String, Value>()
    for (name, c) in zip(t.names, t.columns) {
        switch c {
        case .number(let v): entries[name] = v[i].isNaN ? .nil : .number(v[i])
        case .text(let v): entries[name] = .string(v[i])
        }
    }
    return .dict(DictObject(entries))
}

/// A table, a list of dicts (rows) or a dict of columns as a `Table`.
private func tableArgument(_ v: Value, _ fn: String) throws -> Table {
    switch v {
    case .object(let o as TableObject): return o.table
    case .list(let l):
        var names: [String] = []
        var seen = Set<String>()
        var rows: [OrderedDictionary<String, Value>] = []
        for (i, item) in l.items.enumerated() {
            guard case .dict(let d) = item else {
                throw TxError.runtime("\(fn)(): records must be dicts (one per row), item \(i) is \(item.typeName)")
            }
            for k in d.entries.keys where seen.insert(k).inserted { names.append(k) }
            rows.append(d.entries)
        }
        let columns = try names.map { name in try makeColumn(rows.map { $0[name] ?? .nil }, name, fn) }
        return try Table(names: names, columns: columns)
    case .dict(let d):
        var columns: [Table.Column] = []
        for (name, value) in d.entries {
            let cells: [Value]
            switch value {
            case .tensor(let t): cells = t.data.map { .number(widen($0)) }
            case .list(let l): cells = l.items
            case .range(let r): cells = (0..<r.count).map { .number(r[$0]) }
            default: throw TxError.runtime("\(fn)(): column '\(name)' must be a list or a tensor, got \(value.typeName)")
            }
            columns.append(try makeColumn(cells, name, fn))
        }
        do { return try Table(names: Array(d.entries.keys), columns: columns) } catch let e as DataError {
            throw TxError.runtime("\(fn)(): \(e.message)")
        }
    default:
        throw TxError.runtime("\(fn)(): expected a table, a list of dicts or a dict of columns, got \(v.typeName)")
    }
}

/// Numbers, bools and nils make a numeric column; any string makes a text column.
private func makeColumn(_ cells: [Value], _ name: String, _ fn: String) throws -> Table.Column {
    var numbers: [Double] = []
    numbers.reserveCapacity(cells.count)
    var isText = false
    for cell in cells {
        switch cell {
        case .number(let x): numbers.append(x)
        case .bool(let b): numbers.append(b ? 1 : 0)
        case .nil: numbers.append(.nan)
        case .tensor(let t) where t.count == 1: numbers.append(widen(t.data[0]))
        case .string: isText = true
        default: throw TxError.runtime("\(fn)(): column '\(name)' holds a \(cell.typeName); table cells are numbers, strings, bools or nil")
        }
        if isText { break }
    }
    guard isText else { return .number(numbers) }
    return .text(try cells.map { cell in
        switch cell {
        case .string(let s): return s
        case .nil: return ""
        case .number, .bool, .tensor: return cell.printed
        default: throw TxError.runtime("\(fn)(): column '\(name)' holds a \(cell.typeName); table cells are numbers, strings, bools or nil")
        }
    })
}
