import OrderedCollections

extension Builtins {
    private static func list(_ a: Arguments) -> ListObject {
        guard case .list(let l)? = a.receiver else { preconditionFailure("list method without a list") }
        return l
    }
    private static func string(_ a: Arguments) -> String {
        guard case .string(let s)? = a.receiver else { preconditionFailure("string method without a string") }
        return s
    }
    private static func dict(_ a: Arguments) -> DictObject {
        guard case .dict(let d)? = a.receiver else { preconditionFailure("dict method without a dict") }
        return d
    }

    /// Methods of lists: `xs.append(x)`, `xs.map(f)`, …
    static let listMethods: [Builtin] = [
        Builtin("append(x)", "Adds x at the end (in place).", example: "xs = [1]; xs.append(2); xs   # [1, 2]",
                receiver: "list") { a in list(a).items.append(a["x"]); return .nil }
            .fast { receiver, args in
                if case .list(let l)? = receiver { l.items.append(args[0]) }
                return .nil
            },
        Builtin("extend(xs)", "Adds every item of xs at the end (in place).", example: "xs = [1]; xs.extend([2, 3])",
                receiver: "list") { a in list(a).items.append(contentsOf: try items(a["xs"])); return .nil },
        Builtin("insert(i, x)", "Inserts x before index i (in place).", example: "xs = [1, 3]; xs.insert(1, 2)",
                receiver: "list") { a in
            let l = list(a)
            var i = try a.int("i")
            if i < 0 { i += l.items.count }
            l.items.insert(a["x"], at: min(max(i, 0), l.items.count))
            return .nil
        },
        Builtin("pop(i = -1)", "Removes and returns the item at i (default: the last).", example: "[1, 2, 3].pop()   # 3",
                receiver: "list") { a in
            let l = list(a)
            guard !l.items.isEmpty else { throw TxError.runtime("pop() from an empty list") }
            return l.items.remove(at: try resolveIndex(a["i"], count: l.items.count, what: "list"))
        },
        Builtin("index(x)", "The first index of x, or an error if absent.", example: #"["a", "b"].index("b")   # 1"#,
                receiver: "list") { a in
            guard let i = try list(a).items.firstIndex(where: { try valuesEqual($0, a["x"]) }) else {
                throw TxError.runtime("\(a["x"].repr) is not in the list")
            }
            return .number(Double(i))
        },
        Builtin("reverse()", "Reverses the list in place.", example: "xs = [1, 2]; xs.reverse()",
                receiver: "list") { a in list(a).items.reverse(); return .nil },
        Builtin("sort(key = nil, reverse = false)", "Sorts the list in place (stable).", example: "xs = [3, 1]; xs.sort()",
                receiver: "list") { a in
            let l = list(a)
            var kw: [(String, Value)] = [("reverse", a["reverse"])]
            if let k = a.optional("key") { kw.append(("key", k)) }
            guard case .list(let s) = try Builtins.functions["sorted"]!.call(a.interp, [.list(l)], kw) else { return .nil }
            l.items = s.items
            return .nil
        },
        Builtin("copy()", "A shallow copy.", example: "ys = xs.copy()", receiver: "list") { a in
            .list(ListObject(list(a).items))
        },
        Builtin("map(f)", "A new list of f(x) for each item.", example: "[1, 2].map(x -> x * 2)   # [2, 4]",
                receiver: "list") { a in
            let f = try a.function("f")
            return .list(ListObject(try list(a).items.map { try f.call(a.interp, [$0], []) }))
        },
        Builtin("filter(f)", "The items for which f(x) is truthy.", example: "[1, 2, 3].filter(x -> x > 1)   # [2, 3]",
                receiver: "list") { a in
            let f = try a.function("f")
            return .list(ListObject(try list(a).items.filter { try f.call(a.interp, [$0], []).isTruthy }))
        },
        Builtin("sum()", "Sum of the numbers.", example: "[1, 2, 3].sum()   # 6", receiver: "list") { a in
            .number(try numbers(.list(list(a)), "sum").reduce(0, +))
        },
        Builtin("mean()", "Mean of the numbers.", example: "[1, 2, 3, 4].mean()   # 2.5", receiver: "list") { a in
            let xs = try numbers(.list(list(a)), "mean")
            guard !xs.isEmpty else { throw TxError.runtime("mean() of an empty list") }
            return .number(xs.reduce(0, +) / Double(xs.count))
        },
        Builtin("join(sep = \"\")", "Joins the items' text with sep.", example: #"["a", "b"].join(", ")   # "a, b""#,
                receiver: "list") { a in
            .string(list(a).items.map(\.printed).joined(separator: try a.string("sep")))
        },
    ]

    /// Methods of strings.
    static let stringMethods: [Builtin] = [
        Builtin("upper()", "Upper-case copy.", example: #""abc".upper()"#, receiver: "string") { a in .string(string(a).uppercased()) },
        Builtin("lower()", "Lower-case copy.", example: #""ABC".lower()"#, receiver: "string") { a in .string(string(a).lowercased()) },
        Builtin("strip()", "Copy without leading and trailing whitespace.", example: #"" x ".strip()"#, receiver: "string") { a in
            let s = string(a)
            let scalars = s.unicodeScalars
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return .string("") }
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
            return .string(String(scalars[first...last]))
        },
        Builtin("split(sep = nil)", "Splits on sep, or on runs of whitespace.", example: #""a,b".split(",")   # ["a", "b"]"#,
                receiver: "string") { a in
            let s = string(a)
            if let sep = a.optional("sep") {
                guard case .string(let sepString) = sep, !sepString.isEmpty else { throw TxError.runtime("split(): sep must be a non-empty string") }
                return .list(ListObject(s.split(separator: sepString, omittingEmptySubsequences: false).map { .string(String($0)) }))
            }
            return .list(ListObject(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) }))
        },
        Builtin("join(items)", "Joins the items' text with this string between them.", example: #"", ".join(["a", "b"])"#,
                receiver: "string") { a in .string(try items(a["items"]).map(\.printed).joined(separator: string(a))) },
        Builtin("replace(old, new)", "Copy with every old replaced by new.", example: #""a-b".replace("-", "+")"#,
                receiver: "string") { a in
            let old = try a.string("old")
            guard !old.isEmpty else { throw TxError.runtime("replace(): old must not be empty") }
            return .string(string(a).replacingOccurrences(of: old, with: try a.string("new")))
        },
        Builtin("startswith(prefix)", "Whether the string starts with prefix.", example: #""resnet50".startswith("res")"#,
                receiver: "string") { a in .bool(string(a).hasPrefix(try a.string("prefix"))) },
        Builtin("endswith(suffix)", "Whether the string ends with suffix.", example: #""m.tx".endswith(".tx")"#,
                receiver: "string") { a in .bool(string(a).hasSuffix(try a.string("suffix"))) },
        Builtin("find(sub)", "Index of the first occurrence of sub, or -1.", example: #""hello".find("l")   # 2"#,
                receiver: "string") { a in
            let s = Array(string(a)), sub = Array(try a.string("sub"))
            guard !sub.isEmpty else { return .number(0) }
            guard sub.count <= s.count else { return .number(-1) }
            for i in 0...(s.count - sub.count) where Array(s[i..<(i + sub.count)]) == sub { return .number(Double(i)) }
            return .number(-1)
        },
    ]

    /// Methods of dicts (a key of the same name wins: `d.keys` reads key "keys" if present).
    static let dictMethods: [Builtin] = [
        Builtin("keys()", "The keys, in insertion order.", example: "{a: 1}.keys()", receiver: "dict") { a in
            .list(ListObject(dict(a).entries.keys.map { .string($0) }))
        },
        Builtin("values()", "The values, in insertion order.", example: "{a: 1}.values()", receiver: "dict") { a in
            .list(ListObject(Array(dict(a).entries.values)))
        },
        Builtin("items()", "[key, value] pairs.", example: "{a: 1}.items()   # [[\"a\", 1]]", receiver: "dict") { a in
            .list(ListObject(dict(a).entries.map { .list(ListObject([.string($0.key), $0.value])) }))
        },
        Builtin("get(key, default = nil)", "The value for key, or default.", example: #"{a: 1}.get("b", 0)   # 0"#,
                receiver: "dict") { a in dict(a).entries[try a.string("key")] ?? a["default"] }
            .fast { receiver, args in
                guard case .dict(let d)? = receiver, case .string(let key) = args[0] else {
                    throw TxError.runtime("dict.get(): 'key' must be a string, got \(args[0].typeName)")
                }
                return d.value(forKey: key) ?? args[1]
            },
        Builtin("remove(key)", "Removes key and returns its value (error if absent).", example: #"d.remove("a")"#,
                receiver: "dict") { a in
            let key = try a.string("key")
            guard let v = dict(a).removeValue(forKey: key) else {
                throw TxError.runtime("dict has no key \(quoted(key))")
            }
            return v
        },
        Builtin("copy()", "A shallow copy.", example: "e = d.copy()", receiver: "dict") { a in
            .dict(DictObject(dict(a).entries))
        },
    ]
}
