#if canImport(Glibc)
import Glibc
#endif
import OrderedCollections
import TxTensor
import CSupport

extension Builtins {
    /// Core: printing, types, conversion, iteration helpers, files, assertions.
    static let core: [Builtin] = [
        Builtin("print(...values)", "Prints values separated by spaces, then a newline.",
                example: #"print("acc", 0.91)   # acc 0.91"#) { a in
            a.interp.write(a.rest.map(\.printed).joined(separator: " ") + "\n")
            return .nil
        },
        Builtin("len(x)", "Number of items in a list, dict, string, range or dataset; rows of a tensor.",
                example: "len([1, 2, 3])   # 3") { a in
            let x = a["x"]
            switch x {
            case .list(let l): return .number(Double(l.items.count))
            case .dict(let d): return .number(Double(d.entries.count))
            case .string(let s): return .number(Double(s.count))
            case .range(let r): return .number(Double(r.count))
            case .tensor(let t):
                guard t.ndim > 0 else { throw TxError.runtime("len() of a 0-d tensor (use .size or .item())") }
                return .number(Double(t.shape[0]))
            case .object(let o as SizedObject): return .number(Double(o.count))
            default: throw TxError.runtime("len() needs a list, dict, string, range or tensor, got \(x.typeName)")
            }
        },
        Builtin("type(x)", "The type name of a value: number, string, list, dict, tensor, …",
                example: #"type(3)   # "number""#) { a in .string(a["x"].typeName) },
        Builtin("str(x)", "The text form of a value, as print shows it.",
                example: #"str(42) + "!"   # "42!""#) { a in .string(a["x"].printed) }
            .fast { _, args in .string(args[0].printed) },
        Builtin("num(s)", "Parses a number from a string (numbers and bools pass through).",
                example: #"num("2.5") * 2   # 5"#) { a in
            switch a["s"] {
            case .number(let x): return .number(x)
            case .bool(let b): return .number(b ? 1 : 0)
            case .string(let s):
                let t = s.trimmingSpaces.replacingOccurrences(of: "_", with: "")
                guard let x = Double(t) else { throw TxError.runtime("num(): can't read a number from \(quoted(s))") }
                return .number(x)
            case .tensor(let t): return .number(widen(try t.item()))
            case let v: throw TxError.runtime("num() needs a string or number, got \(v.typeName)")
            }
        },
        Builtin("range(a, b = nil, step = 1)", "range(n) is 0..n; range(a, b, step) counts from a up to (not including) b.",
                example: "range(0, 10, 3)   # 0, 3, 6, 9") { a in
            let step = try a.number("step")
            guard step != 0, step.isFinite else { throw TxError.runtime("range(): step can't be \(formatNumber(step))") }
            if a.optional("b") == nil { return .range(try RangeObject.checked(0, try a.number("a"), step: step)) }
            return .range(try RangeObject.checked(try a.number("a"), try a.number("b"), step: step))
        },
        Builtin("enumerate(xs)", "Pairs [index, item] for each item.",
                example: #"for i, x in enumerate(["a", "b"]) { print(i, x) }"#) { a in
            var out: [Value] = []
            var it = try ValueIterator(a["xs"], pairs: false)
            while let v = try it.next() {
                if out.count >= 100_000_000 { throw TxError.runtime("enumerate(): more than 100,000,000 items") }
                out.append(.list(ListObject([.number(Double(out.count)), v])))
            }
            return .list(ListObject(out))
        },
        Builtin("zip(a, b)", "Pairs [a[i], b[i]], as long as the shorter input.",
                example: "zip([1, 2], [3, 4])   # [[1, 3], [2, 4]]") { a in
            let xs = try items(a["a"]), ys = try items(a["b"])
            return .list(ListObject(zip(xs, ys).map { .list(ListObject([$0, $1])) }))
        },
        Builtin("sorted(xs, key = nil, reverse = false)", "A sorted copy of a list (stable); key maps each item to what is compared.",
                example: "sorted([3, 1, 2], reverse: true)   # [3, 2, 1]") { a in
            let xs = try items(a["xs"])
            let key = a.optional("key")
            if let key, case .function = key {} else if let key {
                throw TxError.runtime("sorted(): 'key' must be a function, got \(key.typeName)")
            }
            var keyed: [(Value, Value)] = []
            for x in xs {
                if case .function(let f)? = key { keyed.append((try f.call(a.interp, [x], []), x)) } else { keyed.append((x, x)) }
            }
            var failure: Error?
            let reverse = try a.bool("reverse")
            let sortedPairs = keyed.enumerated().sorted { l, r in
                do {
                    let c = try compareValues(l.element.0, r.element.0)
                    if c == 0 { return l.offset < r.offset }
                    return reverse ? c > 0 : c < 0
                } catch { failure = error; return false }
            }
            if let failure { throw failure }
            return .list(ListObject(sortedPairs.map { $0.element.1 }))
        },
        Builtin("map(xs, f)", "A list of f(x) for each item.",
                example: "map([1, 2, 3], x -> x * 10)   # [10, 20, 30]") { a in
            let f = try a.function("f")
            return .list(ListObject(try items(a["xs"]).map { try f.call(a.interp, [$0], []) }))
        },
        Builtin("filter(xs, f)", "The items for which f(x) is truthy.",
                example: "filter(0..10, x -> x % 2 == 0)   # [0, 2, 4, 6, 8]") { a in
            let f = try a.function("f")
            return .list(ListObject(try items(a["xs"]).filter { try f.call(a.interp, [$0], []).isTruthy }))
        },
        Builtin("sum(xs, axis = nil, keepdims = false)", "Sum of a list or range; for a tensor, along an axis (nil: all).",
                example: "sum([1, 2, 3])   # 6") { a in
            if case .tensor(let t) = a["xs"] { return try reduce(t, .sum, a) }
            return .number(try numbers(a["xs"], "sum").reduce(0, +))
        },
        Builtin("min(...values, axis = nil, keepdims = false)", "Smallest of the arguments, or of one list or tensor.",
                example: "min(3, 1, 2)   # 1") { a in try extreme(a, .min) },
        Builtin("max(...values, axis = nil, keepdims = false)", "Largest of the arguments, or of one list or tensor.",
                example: "max([3, 1, 2])   # 3") { a in try extreme(a, .max) },
        Builtin("abs(x)", "Absolute value of a number, or of each element of a tensor.",
                example: "abs(-2)   # 2") { a in
            if case .tensor(let t) = a["x"] { return .tensor(t.unary(.abs)) }
            return .number(abs(try a.number("x")))
        },
        Builtin("round(x, digits = 0)", "Rounds half to even (like Python) to the given decimal digits.",
                example: "round(3.14159, 2)   # 3.14") { a in
            let digits = try a.int("digits")
            guard abs(digits) <= 300 else { throw TxError.runtime("round(): digits must be between -300 and 300") }
            if case .tensor(let t) = a["x"], digits == 0 { return .tensor(t.unary(.round)) }
            let x = try a.number("x")
            let scale = Glibc.pow(10, Double(digits))
            let scaled = x * scale
            guard scaled.isFinite else { return .number(x) }
            return .number(scaled.rounded(.toNearestOrEven) / scale)
        },
        Builtin("keys(d)", "The keys of a dict, in insertion order.",
                example: "keys({a: 1, b: 2})   # [\"a\", \"b\"]") { a in
            guard case .dict(let d) = a["d"] else { throw a.fail("d", "a dict", a["d"]) }
            return .list(ListObject(d.entries.keys.map { .string($0) }))
        },
        Builtin("values(d)", "The values of a dict, in insertion order.",
                example: "values({a: 1, b: 2})   # [1, 2]") { a in
            guard case .dict(let d) = a["d"] else { throw a.fail("d", "a dict", a["d"]) }
            return .list(ListObject(Array(d.entries.values)))
        },
        Builtin("assert(cond, message = \"assertion failed\")", "Raises an error with the message unless cond is truthy.",
                example: #"assert(1 + 1 == 2, "math works")"#) { a in
            if !a["cond"].isTruthy { throw TxError.runtime(a["message"].printed) }
            return .nil
        },
        Builtin("error(message)", "Raises an error; catch it with try/catch (e.message).",
                example: #"try { error("bad") } catch e { print(e.message) }"#) { a in
            throw TxError.runtime(a["message"].printed)
        },
        Builtin("time(f)", "Seconds (wall clock) that calling f() takes.",
                example: "time(() -> sum(0..100000))") { a in
            let f = try a.function("f")
            let start = Clock.wall()
            _ = try f.call(a.interp, [], [])
            return .number(Clock.wall() - start)
        },
        Builtin("seed(n)", "Seeds the global random generator (rand, randn, shuffles without a seed).",
                example: "seed(0); rand(2)") { a in
            let n = try a.int("n")
            guard n >= 0 else { throw TxError.runtime("seed(): n must be ≥ 0, got \(n)") }
            GlobalRandom.seed(UInt64(n))
            return .nil
        },
        Builtin("env(name)", "The environment variable's value, or nil.",
                example: #"env("HOME")"#) { a in
            FileSystem.environment(try a.string("name")).map { .string($0) } ?? .nil
        },
        Builtin("read_text(path)", "The contents of a UTF-8 text file.",
                example: #"read_text("notes.txt")"#) { a in .string(try FileSystem.readText(try a.string("path"))) },
        Builtin("write_text(path, text)", "Writes text to a file atomically (temporary file, then rename).",
                example: #"write_text("out.txt", "hello\n")"#) { a in
            try FileSystem.writeText(try a.string("path"), a["text"].printed)
            return .nil
        },
        Builtin("exists(path)", "Whether a file or directory exists.",
                example: #"exists("data.csv")"#) { a in .bool(FileSystem.exists(try a.string("path"))) },
        Builtin("list(x)", "A new list of the items of a list, range, string, dict (keys) or tensor (rows).",
                example: "list(0..3)   # [0, 1, 2]") { a in .list(ListObject(try items(a["x"]))) },
        Builtin("mean(xs, axis = nil, keepdims = false)", "Arithmetic mean of a list, or of a tensor along an axis.",
                example: "mean([1, 2, 3, 4])   # 2.5") { a in
            if case .tensor(let t) = a["xs"] { return try reduce(t, .mean, a) }
            let xs = try numbers(a["xs"], "mean")
            guard !xs.isEmpty else { throw TxError.runtime("mean() of an empty list") }
            return .number(xs.reduce(0, +) / Double(xs.count))
        },
        Builtin("pi", "π, the ratio of a circle's circumference to its diameter.", example: "2 * pi") { _ in .number(Double.pi) },
        Builtin("inf", "Positive infinity (-inf for negative).", example: "min(inf, 3)   # 3") { _ in .number(Double.infinity) },
        Builtin("nan", "Not a number (nan != nan).", example: "nan == nan   # false") { _ in .number(Double.nan) },
        Builtin("bool(x)", "Truthiness: false only for false and nil.",
                example: "bool(0)   # true") { a in .bool(a["x"].isTruthy) },
        Builtin("int(x)", "Rounds toward zero to a whole number.",
                example: "int(3.7)   # 3") { a in .number(try a.number("x").rounded(.towardZero)) },
    ]
}

/// A native object with a length (datasets, tables).
public protocol SizedObject: NativeObject {
    var count: Int { get }
}

/// The items of any iterable value.
func items(_ v: Value) throws -> [Value] {
    if case .list(let l) = v { return l.items }
    if case .range(let r) = v, r.count > 100_000_000 {
        throw TxError.runtime("a range of \(r.count) numbers is too large to make into a list (at most 100,000,000)")
    }
    var it = try ValueIterator(v, pairs: false)
    var out: [Value] = []
    while let x = try it.next() { out.append(x) }
    return out
}

/// A list/range/tensor of numbers as Doubles.
func numbers(_ v: Value, _ what: String) throws -> [Double] {
    switch v {
    case .tensor(let t): return t.data.map(Double.init)
    case .range(let r):
        guard r.count <= 100_000_000 else { throw TxError.runtime("\(what)() of a range of \(r.count) numbers: too many (at most 100,000,000)") }
        return (0..<r.count).map { r[$0] }
    default:
        return try items(v).map { item in
            switch item {
            case .number(let x): return x
            case .bool(let b): return b ? 1 : 0
            default: throw TxError.runtime("\(what)() needs numbers, found \(item.typeName)")
            }
        }
    }
}

func reduce(_ t: Tensor, _ op: ReduceOp, _ a: Arguments) throws -> Value {
    let axis = try a.optional("axis").map { _ in try a.int("axis") }
    let r = try t.reduce(op, axis: axis, keepdims: try a.bool("keepdims"))
    return r.ndim == 0 ? .number(widen(r.data[0])) : .tensor(r)
}

private func extreme(_ a: Arguments, _ op: ReduceOp) throws -> Value {
    let name = op == .min ? "min" : "max"
    if a.rest.count == 1, case .tensor(let t) = a.rest[0] { return try reduce(t, op, a) }
    let values = a.rest.count == 1 ? try items(a.rest[0]) : a.rest
    guard var best = values.first else { throw TxError.runtime("\(name)() of nothing") }
    for v in values.dropFirst() {
        let c = try compareValues(v, best)
        if (op == .min && c < 0) || (op == .max && c > 0) { best = v }
    }
    return best
}
