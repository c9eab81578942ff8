#if canImport(Glibc)
import Glibc
#endif
import TxTensor

/// How deep equality, ordering and display follow nested lists and dicts
/// (a list that contains itself would otherwise recurse forever).
let maxNesting = 10_000

/// Structural equality: numbers, strings, bools, nil, lists and dicts by
/// content; tensors, functions and objects by identity.
/// - Throws: when lists or dicts nest deeper than `maxNesting` (e.g. contain themselves).
func valuesEqual(_ a: Value, _ b: Value, depth: Int = 0) throws -> Bool {
    switch (a, b) {
    case (.nil, .nil): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.list(let x), .list(let y)):
        if x === y { return true }
        guard x.items.count == y.items.count else { return false }
        guard depth < maxNesting else { throw tooDeep() }
        for (u, v) in zip(x.items, y.items) where !(try valuesEqual(u, v, depth: depth + 1)) { return false }
        return true
    case (.dict(let x), .dict(let y)):
        if x === y { return true }
        guard x.entries.count == y.entries.count else { return false }
        guard depth < maxNesting else { throw tooDeep() }
        for (k, v) in x.entries {
            guard let w = y.entries[k], try valuesEqual(v, w, depth: depth + 1) else { return false }
        }
        return true
    case (.range(let x), .range(let y)): return x.start == y.start && x.stop == y.stop && x.step == y.step
    case (.function(let x), .function(let y)): return x === y
    case (.tensor(let x), .tensor(let y)): return x === y
    case (.object(let x), .object(let y)): return x === y
    default: return false
    }
}

func tooDeep() -> TxError {
    TxError.runtime("lists or dicts nested more than \(maxNesting) deep (does one contain itself?)")
}

/// Every binary operator on every pair of types it supports.
func binaryOperation(_ op: BinaryOperator, _ l: Value, _ r: Value) throws -> Value {
    switch op {
    case .eq:
        if case .nil = l { return .bool(r.isNil) }
        if case .nil = r { return .bool(l.isNil) }
        if case .tensor = l { return try tensorOp(.eq, l, r) }
        if case .tensor = r { return try tensorOp(.eq, l, r) }
        return .bool(try valuesEqual(l, r))
    case .ne:
        if case .nil = l { return .bool(!r.isNil) }
        if case .nil = r { return .bool(!l.isNil) }
        if case .tensor = l { return try tensorOp(.ne, l, r) }
        if case .tensor = r { return try tensorOp(.ne, l, r) }
        return .bool(!(try valuesEqual(l, r)))
    case .contains: return .bool(try contains(r, l))
    case .notContains: return .bool(!(try contains(r, l)))
    default: break
    }
    switch (l, r) {
    case (.number(let a), .number(let b)):
        switch op {
        case .add: return .number(a + b)
        case .sub: return .number(a - b)
        case .mul: return .number(a * b)
        case .div: return .number(a / b)
        case .mod: return .number(floorMod(a, b))
        case .pow: return .number(Glibc.pow(a, b))
        case .lt: return .bool(a < b)
        case .le: return .bool(a <= b)
        case .gt: return .bool(a > b)
        case .ge: return .bool(a >= b)
        case .matmul: throw TxError.runtime("'@' needs tensors, got number @ number (use '*' for numbers)")
        default: break
        }
    case (.string(let a), .string(let b)):
        switch op {
        case .add: return .string(a + b)
        case .lt: return .bool(a < b)
        case .le: return .bool(a <= b)
        case .gt: return .bool(a > b)
        case .ge: return .bool(a >= b)
        default: break
        }
    case (.string(let s), .number(let n)) where op == .mul, (.number(let n), .string(let s)) where op == .mul:
        guard let k = exactInt(n), k >= 0, case let (size, overflow) = k.multipliedReportingOverflow(by: max(s.utf8.count, 1)),
              !overflow, size < 1 << 30 else {
            throw TxError.runtime("can't repeat a string \(formatNumber(n)) times")
        }
        return .string(String(repeating: s, count: k))
    case (.list(let a), .list(let b)) where op == .add:
        return .list(ListObject(a.items + b.items))
    case (.list(let a), .number(let n)) where op == .mul:
        guard let k = exactInt(n), k >= 0, case let (size, overflow) = k.multipliedReportingOverflow(by: max(a.items.count, 1)),
              !overflow, size < 1 << 28 else {
            throw TxError.runtime("can't repeat a list \(formatNumber(n)) times")
        }
        return .list(ListObject(Array([[Value]](repeating: a.items, count: k).joined())))
    case (.list(let a), .list(let b)) where [.lt, .le, .gt, .ge].contains(op):
        let c = try compareValues(l, r)
        switch op {
        case .lt: return .bool(c < 0)
        case .le: return .bool(c <= 0)
        case .gt: return .bool(c > 0)
        default: return .bool(c >= 0)
        }
    default: break
    }
    if isTensorLike(l) && isTensorLike(r), case .tensor = l { return try tensorOp(op, l, r) }
    if isTensorLike(l) && isTensorLike(r), case .tensor = r { return try tensorOp(op, l, r) }
    if op == .matmul, isTensorLike(l), isTensorLike(r) { return try tensorOp(op, l, r) }
    throw TxError.runtime("can't apply '\(op.rawValue)' to \(l.typeName) and \(r.typeName)")
}

private func isTensorLike(_ v: Value) -> Bool {
    switch v {
    case .tensor, .number, .bool, .list: return true
    default: return false
    }
}

/// A Float32 element as the number it reads as: 0.1f becomes 0.1, not
/// 0.10000000149011612 (the shortest decimal that round-trips the float).
func widen(_ f: Float) -> Double {
    if f == f.rounded() { return Double(f) }
    return Double(f.description) ?? Double(f)
}

/// Python's modulo: the result has the sign of the divisor.
@inline(__always)
func floorMod(_ a: Double, _ b: Double) -> Double {
    // Positive whole numbers (counters, indices): an integer remainder is
    // exact there and far cheaper than fmod.
    if a > 0, b > 0, a < 9.0e15, b < 9.0e15 {
        let i = Int(a), j = Int(b)
        if Double(i) == a && Double(j) == b { return Double(i % j) }
    }
    let r = a.truncatingRemainder(dividingBy: b)
    return (r != 0 && (r < 0) != (b < 0)) ? r + b : r
}

/// Orders two values of the same kind (numbers, strings, lists), for sorting.
func compareValues(_ a: Value, _ b: Value, depth: Int = 0) throws -> Int {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.string(let x), .string(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
    case (.list(let x), .list(let y)):
        guard depth < maxNesting else { throw tooDeep() }
        return try compareLists(x.items, y.items, depth: depth + 1)
    default: throw TxError.runtime("can't compare \(a.typeName) with \(b.typeName)")
    }
}

private func compareLists(_ a: [Value], _ b: [Value], depth: Int = 0) throws -> Int {
    for (x, y) in zip(a, b) {
        let c = try compareValues(x, y, depth: depth)
        if c != 0 { return c }
    }
    return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
}

private func tensorOp(_ op: BinaryOperator, _ l: Value, _ r: Value) throws -> Value {
    let tensorOp: BinaryOp
    switch op {
    case .add: tensorOp = .add
    case .sub: tensorOp = .sub
    case .mul: tensorOp = .mul
    case .div: tensorOp = .div
    case .mod: tensorOp = .mod
    case .pow: tensorOp = .pow
    case .eq: tensorOp = .eq
    case .ne: tensorOp = .ne
    case .lt: tensorOp = .lt
    case .le: tensorOp = .le
    case .gt: tensorOp = .gt
    case .ge: tensorOp = .ge
    case .matmul:
        let product = try Tensor.matmul(try toTensor(l), try toTensor(r))
        return product.ndim == 0 ? .number(widen(product.data[0])) : .tensor(product)
    default: throw TxError.runtime("can't apply '\(op.rawValue)' to \(l.typeName) and \(r.typeName)")
    }
    if case .number(let b) = r, case .tensor(let a) = l { return .tensor(Tensor.binary(tensorOp, a, Float(b))) }
    if case .number(let a) = l, case .tensor(let b) = r { return .tensor(Tensor.binary(tensorOp, Float(a), b)) }
    return .tensor(try Tensor.binary(tensorOp, try toTensor(l), try toTensor(r)))
}

/// `needle in haystack`.
func contains(_ haystack: Value, _ needle: Value) throws -> Bool {
    switch haystack {
    case .list(let l): return try l.items.contains { try valuesEqual($0, needle) }
    case .dict(let d):
        guard case .string(let k) = needle else { return false }
        return d.value(forKey: k) != nil
    case .string(let s):
        guard case .string(let sub) = needle else {
            throw TxError.runtime("'in <string>' needs a string on the left, got \(needle.typeName)")
        }
        return sub.isEmpty || s.contains(sub)
    case .range(let r):
        guard case .number(let x) = needle else { return false }
        let k = (x - r.start) / r.step
        return k.isFinite && k >= 0 && k == k.rounded() && k < Double(r.count)
    case .tensor(let t):
        guard case .number(let x) = needle else { return false }
        return t.data.contains(Float(x))
    default:
        throw TxError.runtime("'in' needs a list, dict, string, range or tensor on the right, got \(haystack.typeName)")
    }
}

// MARK: - Indexing

/// Resolves a possibly negative index against a length.
func resolveIndex(_ v: Value, count: Int, what: String) throws -> Int {
    guard case .number(let x) = v else { throw TxError.runtime("\(what) index must be a number, got \(v.typeName)") }
    guard let i = exactInt(x) else {
        if x.isFinite && x == x.rounded() { throw TxError.runtime("index \(formatNumber(x)) is out of range for a \(what) of length \(count)") }
        throw TxError.runtime("\(what) index must be a whole number, got \(formatNumber(x))")
    }
    let j = i < 0 ? i + count : i
    guard j >= 0 && j < count else {
        throw TxError.runtime("index \(i) is out of range for a \(what) of length \(count)")
    }
    return j
}

/// The character at a (possibly negative) index, walking from the nearer end.
func character(of s: String, at v: Value) throws -> Character {
    guard case .number(let x) = v else { throw TxError.runtime("string index must be a number, got \(v.typeName)") }
    guard let i = exactInt(x) else { throw TxError.runtime("string index \(formatNumber(x)) is out of range") }
    if i >= 0 {
        guard let at = s.index(s.startIndex, offsetBy: i, limitedBy: s.endIndex), at < s.endIndex else {
            throw TxError.runtime("index \(i) is out of range for a string of length \(s.count)")
        }
        return s[at]
    }
    guard let at = s.index(s.endIndex, offsetBy: i, limitedBy: s.startIndex) else {
        throw TxError.runtime("index \(i) is out of range for a string of length \(s.count)")
    }
    return s[at]
}

/// Python slice semantics: clamps, negative bounds from the end, any non-zero step.
func sliceIndices(_ start: Int?, _ stop: Int?, _ step: Int?, count: Int) throws -> [Int] {
    let step = step ?? 1
    guard step != 0 else { throw TxError.runtime("slice step can't be 0") }
    func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
        guard var v else { return dflt }
        if v < 0 { v += count }
        return min(max(v, lo), hi)
    }
    var out: [Int] = []
    if step > 0 {
        var i = clamp(start, 0, lo: 0, hi: count)
        let end = clamp(stop, count, lo: 0, hi: count)
        while i < end { out.append(i); i += step }
    } else {
        var i = clamp(start, count - 1, lo: -1, hi: count - 1)
        let end = clamp(stop, -1, lo: -1, hi: count - 1)
        while i > end { out.append(i); i += step }
    }
    return out
}

/// `object[index]` with one plain index: lists and dicts without building
/// an index array; everything else takes the general route.
func getElement(_ object: Value, at index: Value) throws -> Value {
    switch object {
    case .list(let l): return l.items[try resolveIndex(index, count: l.items.count, what: "list")]
    case .dict(let d): return try dictValue(d, index)
    default: return try getElement(object, [.value(index)])
    }
}

/// `object[index] = value` with one plain index.
func setElement(_ object: Value, at index: Value, _ value: Value) throws {
    switch object {
    case .list(let l): l.items[try resolveIndex(index, count: l.items.count, what: "list")] = value
    case .dict(let d): d.set(try dictKey(index), value)
    default: try setElement(object, [.value(index)], value)
    }
}

private func dictKey(_ v: Value) throws -> String {
    guard case .string(let k) = v else { throw TxError.runtime("dict keys are strings, got \(v.typeName)") }
    return k
}

private func dictValue(_ d: DictObject, _ v: Value) throws -> Value {
    let k = try dictKey(v)
    guard let value = d.value(forKey: k) else {
        throw TxError.runtime("dict has no key \(quotedShort(k))\(didYouMean(k, d.entries.keys))")
    }
    return value
}

func getElement(_ object: Value, _ index: [IndexValue]) throws -> Value {
    if case .tensor(let t) = object { return try tensorGet(t, index) }
    guard index.count == 1 else {
        throw TxError.runtime("\(object.typeName) takes one index, got \(index.count)")
    }
    switch (object, index[0]) {
    case (.list(let l), .value(let v)):
        return l.items[try resolveIndex(v, count: l.items.count, what: "list")]
    case (.list(let l), .slice(let a, let b, let c)):
        return .list(ListObject(try sliceIndices(a, b, c, count: l.items.count).map { l.items[$0] }))
    case (.string(let s), .value(let v)):
        return .string(String(try character(of: s, at: v)))
    case (.string(let s), .slice(let a, let b, let c)):
        let chars = Array(s)
        return .string(String(try sliceIndices(a, b, c, count: chars.count).map { chars[$0] }))
    case (.dict(let d), .value(let v)):
        return try dictValue(d, v)
    case (.range(let r), .value(let v)):
        return .number(r[try resolveIndex(v, count: r.count, what: "range")])
    case (.range(let r), .slice(let a, let b, let c)):
        guard r.count <= 100_000_000 else { throw TxError.runtime("slicing a range of \(r.count) numbers would make too long a list") }
        return .list(ListObject(try sliceIndices(a, b, c, count: r.count).map { .number(r[$0]) }))
    case (.object(let o), _):
        if let indexable = o as? IndexableObject, case .value(let v) = index[0] { return try indexable.element(v) }
        throw TxError.runtime("\(o.typeName) can't be indexed")
    default:
        throw TxError.runtime("\(object.typeName) can't be indexed")
    }
}

func setElement(_ object: Value, _ index: [IndexValue], _ value: Value) throws {
    if case .tensor(let t) = object { return try tensorSet(t, index, value) }
    guard index.count == 1 else { throw TxError.runtime("\(object.typeName) takes one index, got \(index.count)") }
    switch (object, index[0]) {
    case (.list(let l), .value(let v)):
        l.items[try resolveIndex(v, count: l.items.count, what: "list")] = value
    case (.list(let l), .slice(let a, let b, let c)):
        let positions = try sliceIndices(a, b, c, count: l.items.count)
        guard case .list(let src) = value else { throw TxError.runtime("assigning to a list slice needs a list, got \(value.typeName)") }
        if (c ?? 1) == 1 {
            let lo = positions.first ?? min(max(a.map { $0 < 0 ? $0 + l.items.count : $0 } ?? 0, 0), l.items.count)
            l.items.replaceSubrange(lo..<(lo + positions.count), with: src.items)
        } else {
            guard positions.count == src.items.count else {
                throw TxError.runtime("can't assign \(src.items.count) items to an extended slice of \(positions.count)")
            }
            for (p, v) in zip(positions, src.items) { l.items[p] = v }
        }
    case (.dict(let d), .value(let v)):
        d.set(try dictKey(v), value)
    case (.string, _):
        throw TxError.runtime("strings are immutable: build a new one instead (s[0:2] + \"x\")")
    default:
        throw TxError.runtime("can't assign elements of \(object.typeName)")
    }
}

private func tensorIndices(_ t: Tensor, _ index: [IndexValue]) throws -> [TensorIndex] {
    try index.map { item -> TensorIndex in
        switch item {
        case .slice(let a, let b, let c): return .slice(start: a, stop: b, step: c)
        case .value(.number(let x)):
            guard let i = exactInt(x) else { throw TxError.runtime("tensor index must be a whole number, got \(formatNumber(x))") }
            return .index(i)
        case .value(.nil): return .newAxis
        case .value(.tensor(let m)):
            // A 0/1 tensor shaped like the leading axes is a mask (what comparisons
            // give); any other tensor of whole numbers picks positions.
            if m.ndim >= 1, m.ndim <= t.ndim, Array(t.shape.prefix(m.ndim)) == m.shape,
               m.data.allSatisfy({ $0 == 0 || $0 == 1 }) { return .mask(m) }
            return .indices(try m.data.map { f in
                guard let i = exactInt(Double(f)) else { throw TxError.runtime("index tensor holds a non-integer \(f)") }
                return i
            })
        case .value(.list(let l)):
            return .indices(try l.items.map { v in
                guard case .number(let x) = v, let i = exactInt(x) else {
                    throw TxError.runtime("an index list must hold whole numbers, found \(v.repr)")
                }
                return i
            })
        case .value(let v): throw TxError.runtime("tensor index must be a number, slice, mask or index list, got \(v.typeName)")
        }
    }
}

private func tensorGet(_ t: Tensor, _ index: [IndexValue]) throws -> Value {
    let result = try t.get(try tensorIndices(t, index))
    return result.ndim == 0 ? .number(widen(result.data[0])) : .tensor(result)
}

private func tensorSet(_ t: Tensor, _ index: [IndexValue], _ value: Value) throws {
    let idx = try tensorIndices(t, index)
    if case .number(let x) = value { try t.set(idx, Float(x)) } else { try t.set(idx, try toTensor(value)) }
}

/// Row `i` of a tensor: a number for 1-D tensors, else a tensor.
func tensorRow(_ t: Tensor, _ i: Int) throws -> Value {
    let row = try t.get([.index(i)])
    return row.ndim == 0 ? .number(widen(row.data[0])) : .tensor(row)
}

// MARK: - Members

/// `x.name`: dict keys, module variables, properties and methods of built-in types, object members.
func getMember(_ object: Value, _ name: String, _ interp: Interpreter) throws -> Value {
    if case .dict(let d) = object, let v = d.value(forKey: name) { return v }
    if case .object(let o) = object, let v = try o.member(name, interp) { return v }
    if case .tensor(let t) = object, let v = t.attributes[name] {
        return v.ndim == 0 ? .number(widen(v.data[0])) : .tensor(v)  // `.kl` reads as a number
    }
    if let method = Builtins.method(for: object, name) {
        if method.isProperty { return try method.body(try method.bind([], [], interp: interp, receiver: object)) }
        return .function(BuiltinFunction(method, receiver: object))
    }
    var candidates = Builtins.methodNames(for: object)
    if case .tensor(let t) = object { candidates += t.attributes.keys }
    switch object {
    case .dict(let d):
        candidates += d.entries.keys
        throw TxError.runtime("dict has no key \(quotedShort(name))\(didYouMean(name, candidates))")
    case .object(let o):
        candidates += o.memberNames
        throw TxError.runtime("\(o.typeName) has no member '\(name)'\(didYouMean(name, candidates))")
    default:
        throw TxError.runtime("\(object.typeName) has no member '\(name)'\(didYouMean(name, candidates))")
    }
}

func setMember(_ object: Value, _ name: String, _ value: Value) throws {
    switch object {
    case .dict(let d): d.set(name, value)
    case .object(let o as MutableMemberObject): try o.setMember(name, value)
    default: throw TxError.runtime("can't set member '\(name)' of \(object.typeName) (only dicts take new keys)")
    }
}

/// A native object that supports `obj[i]`.
public protocol IndexableObject: NativeObject {
    func element(_ index: Value) throws -> Value
}

/// A native object whose members can be assigned.
public protocol MutableMemberObject: NativeObject {
    func setMember(_ name: String, _ value: Value) throws
}

/// A native object that `for` can iterate.
public protocol IterableObject: NativeObject {
    func makeIterator() throws -> AnyIterator<Value>
}

// MARK: - Iteration

/// What `for` walks: list items, dict (key, value) pairs, characters, range
/// numbers, tensor rows, or a native object's items.
struct ValueIterator {
    private var next_: () throws -> Value?

    init(_ value: Value, pairs: Bool) throws {
        switch value {
        case .list(let l):
            var i = 0
            next_ = { defer { i += 1 }; return i < l.items.count ? l.items[i] : nil }
        case .dict(let d):
            let snapshot = Array(d.entries)
            var i = 0
            next_ = {
                defer { i += 1 }
                guard i < snapshot.count else { return nil }
                let (k, v) = snapshot[i]
                return pairs ? .list(ListObject([.string(k), v])) : .string(k)
            }
        case .range(let r):
            var i = 0
            let n = r.count
            next_ = { defer { i += 1 }; return i < n ? .number(r[i]) : nil }
        case .string(let s):
            var it = s.makeIterator()
            next_ = { it.next().map { .string(String($0)) } }
        case .tensor(let t):
            guard t.ndim >= 1 else { throw TxError.runtime("can't iterate over a 0-d tensor") }
            var i = 0
            next_ = { defer { i += 1 }; return i < t.shape[0] ? try tensorRow(t, i) : nil }
        case .object(let o as IterableObject):
            let it = try o.makeIterator()
            next_ = { it.next() }
        default:
            throw TxError.runtime("can't iterate over \(value.typeName)")
        }
    }

    mutating func next() throws -> Value? { try next_() }
}
