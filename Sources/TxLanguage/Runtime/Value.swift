import OrderedCollections
import TxTensor

/// A tx value. Numbers, booleans and strings are immutable values; lists,
/// dicts, tensors and native objects are shared references, as in Python.
public enum Value {
    case `nil`
    case bool(Bool)
    case number(Double)
    case string(String)
    case list(ListObject)
    case dict(DictObject)
    case range(RangeObject)
    case function(Function)
    case tensor(Tensor)
    case object(NativeObject)

    /// The name `type(x)` returns.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .list: return "list"
        case .dict: return "dict"
        case .range: return "range"
        case .function: return "function"
        case .tensor: return "tensor"
        case .object(let o): return o.typeName
        }
    }

    /// A small number per built-in type, for method tables and caches
    /// (native objects share one tag and are looked up by `typeName`).
    @inline(__always) var typeTag: Int {
        switch self {
        case .nil: return 0
        case .bool: return 1
        case .number: return 2
        case .string: return 3
        case .list: return 4
        case .dict: return 5
        case .range: return 6
        case .function: return 7
        case .tensor: return 8
        case .object: return 9
        }
    }

    var isNil: Bool { if case .nil = self { return true } else { return false } }

    /// Only `false` and `nil` are falsy.
    @inline(__always) public var isTruthy: Bool {
        switch self {
        case .nil: return false
        case .bool(let b): return b
        default: return true
        }
    }
}

/// A mutable, shared list.
public final class ListObject {
    public var items: [Value]
    public init(_ items: [Value]) { self.items = items }
    deinit { releaseIteratively(&items) }
}

/// A mutable, shared, insertion-ordered dict with string keys.
public final class DictObject {
    /// The entries; changed only through `set` and `removeValue`, which keep
    /// `methodNamedKeys` right.
    public fileprivate(set) var entries: OrderedDictionary<String, Value>
    /// How many keys are also names of dict methods. A key holding a function
    /// shadows the method of that name (`d.keys()`); while this is zero a
    /// method call can skip looking its name up among the keys.
    private(set) var methodNamedKeys = 0

    public init(_ entries: OrderedDictionary<String, Value> = [:]) {
        self.entries = entries
        for key in entries.keys where DictObject.isMethodName(key) { methodNamedKeys += 1 }
        inlineKeysValid = InlineKey.layoutHolds && entries.count <= DictObject.inlineKeyLimit
        if inlineKeysValid {
            for key in entries.keys {
                guard let k = InlineKey(key) else { inlineKeysValid = false; inlineKeys = []; break }
                inlineKeys.append(k)
            }
        }
    }

    /// The keys as `InlineKey`s, in order, while every key is a short ASCII
    /// string and there are at most `inlineKeyLimit` of them
    /// (`inlineKeysValid`); searched instead of `entries` then.
    private var inlineKeys: [InlineKey] = []
    private var inlineKeysValid = false
    static let inlineKeyLimit = 32

    /// Where the key last found or stored sits. `d[k] = d.get(k, 0) + 1`
    /// and `d[k] += 1` find the same key twice in a row; the second time
    /// one comparison confirms it (a stale hint just misses).
    private var hint = 0

    /// `d[key] = value`.
    public func set(_ key: String, _ value: Value) {
        if let i = find(key) {
            DictObject.replace(&entries, at: i, with: value)
            hint = i
        } else {
            entries[key] = value
            hint = entries.count - 1
            if DictObject.isMethodName(key) { methodNamedKeys += 1 }
            if inlineKeysValid {
                if entries.count <= DictObject.inlineKeyLimit, let k = InlineKey(key) {
                    inlineKeys.append(k)
                } else {
                    inlineKeysValid = false
                    inlineKeys = []
                }
            }
        }
    }

    /// Removes `key`, returning what it held.
    @discardableResult
    public func removeValue(forKey key: String) -> Value? {
        guard let i = find(key) else { return nil }
        let old = entries.remove(at: i).value
        if inlineKeysValid { inlineKeys.remove(at: i) }
        if DictObject.isMethodName(key) { methodNamedKeys -= 1 }
        return old
    }

    /// The value under `key`.
    public func value(forKey key: String) -> Value? {
        guard let i = find(key) else { return nil }
        hint = i
        return DictObject.value(&entries, at: i)
    }

    /// Where `key` sits, or nil (remembered as the hint, like a look-up).
    func index(of key: String) -> Int? {
        guard let i = find(key) else { return nil }
        hint = i
        return i
    }

    /// The value at a position `index(of:)` gave.
    func value(at i: Int) -> Value { DictObject.value(&entries, at: i) }

    /// Replaces the value at a position `index(of:)` gave.
    func replaceValue(at i: Int, with value: Value) { DictObject.replace(&entries, at: i, with: value) }

    // The entries are reached through `inout` parameters: a plain read of
    // the stored property copies them first (three retains and releases).

    /// Where `key` sits: among the inline keys when they are kept and `key`
    /// is short ASCII too (then a miss is certain), else in `entries`.
    @inline(__always) private func find(_ key: String) -> Int? {
        if inlineKeysValid, let k = InlineKey(key) {
            return DictObject.find(&inlineKeys, k, hint: hint)
        }
        return DictObject.find(&entries, key, hint: hint)
    }

    private static func find(_ keys: inout [InlineKey], _ key: InlineKey, hint: Int) -> Int? {
        keys.withUnsafeBufferPointer { b in
            if hint < b.count && b[hint] == key { return hint }
            var i = 0
            while i < b.count {
                if b[i] == key { return i }
                i += 1
            }
            return nil
        }
    }

    private static func find(_ entries: inout OrderedDictionary<String, Value>, _ key: String, hint: Int) -> Int? {
        if hint < entries.count && entries.keys[hint] == key { return hint }
        return entries.index(forKey: key)
    }

    private static func value(_ entries: inout OrderedDictionary<String, Value>, at i: Int) -> Value {
        entries.values[i]
    }

    private static func replace(_ entries: inout OrderedDictionary<String, Value>, at i: Int, with value: Value) {
        entries.values[i] = value
    }

    /// Empties the dict (its values already taken by the caller).
    fileprivate func removeAllForRelease() {
        entries = [:]
        inlineKeys = []
        methodNamedKeys = 0
    }

    static func isMethodName(_ key: String) -> Bool { Builtins.methodsByTag[5][key] != nil }

    deinit {
        guard !entries.isEmpty else { return }
        var values = Array(entries.values)
        entries = [:]
        releaseIteratively(&values)
    }
}

/// Frees nested lists and dicts with a worklist instead of recursion, so
/// dropping a million-deep `[[[…]]]` cannot overflow the stack.
private func releaseIteratively(_ items: inout [Value]) {
    guard items.contains(where: { if case .list = $0 { return true }; if case .dict = $0 { return true }; return false })
    else { return }
    var work = items
    items = []
    while !work.isEmpty {
        var value = work.removeLast()
        var list: ListObject?
        var dict: DictObject?
        switch value {
        case .list(let l): list = l
        case .dict(let d): dict = d
        default: break
        }
        value = .nil
        // Only children nobody else holds are ours to take apart.
        if list != nil, isKnownUniquelyReferenced(&list!) {
            work.append(contentsOf: list!.items)
            list!.items = []
        }
        if dict != nil, isKnownUniquelyReferenced(&dict!) {
            work.append(contentsOf: dict!.entries.values)
            dict!.removeAllForRelease()
        }
    }
}

/// A half-open range `start..stop` (step 1 unless made by `range(a, b, step)`).
public final class RangeObject {
    public let start: Double, stop: Double, step: Double
    public init(_ start: Double, _ stop: Double, step: Double = 1) {
        self.start = start; self.stop = stop; self.step = step
    }
    /// A range, refusing bounds whose length can't be counted exactly.
    static func checked(_ start: Double, _ stop: Double, step: Double) throws -> RangeObject {
        guard start.isFinite, stop.isFinite else {
            throw TxError.runtime("range bounds must be finite, got \(formatNumber(start)) and \(formatNumber(stop))")
        }
        guard (stop - start) / step <= 9.0e15 else {
            throw TxError.runtime("range from \(formatNumber(start)) to \(formatNumber(stop)) has too many numbers (at most 9e15)")
        }
        return RangeObject(start, stop, step: step)
    }

    /// Number of elements.
    public var count: Int {
        guard step != 0, start.isFinite, stop.isFinite else { return 0 }
        let n = ((stop - start) / step).rounded(.up)
        return n > 0 ? Int(min(n, 9.0e15)) : 0
    }
    public subscript(i: Int) -> Double { start + Double(i) * step }
}

/// A native object exposed to tx (datasets, models, figures, stats results, …).
/// Members are read with `.name`; methods are members that return functions.
public protocol NativeObject: AnyObject {
    var typeName: String { get }
    /// The REPL display and `str(x)`.
    var display: String { get }
    /// `x.name`, or nil when there is no such member.
    func member(_ name: String, _ interp: Interpreter) throws -> Value?
    /// Member names, for completion and "did you mean".
    var memberNames: [String] { get }
}

/// A native value that is a picture (figures): notebooks embed it, and the
/// REPL can show it inline.
public protocol ImageValue: NativeObject {
    /// The picture encoded as PNG.
    func pngBytes() throws -> [UInt8]
    /// The picture drawn at a size, as RGBA bytes, row by row (for previews).
    func rgbaPixels(width: Int, height: Int) throws -> [UInt8]
}
