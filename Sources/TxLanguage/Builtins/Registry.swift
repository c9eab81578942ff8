import TxTensor

/// The one registry of built-ins. Each area contributes a list
/// (`Builtins+Core.swift`, `Builtins+Tensor.swift`, …); adding a built-in is
/// one entry in one of those lists.
public enum Builtins {
    /// Every free function, by name.
    public static let functions: [String: Builtin] = {
        var table: [String: Builtin] = [:]
        for b in core + tensors + data + statistics + embedding + plots + probes + learning + tables + weights { table[b.name] = b }
        return table
    }()

    /// Methods and properties, by receiver type then name.
    public static let methods: [String: [String: Builtin]] = {
        var table: [String: [String: Builtin]] = [:]
        for b in listMethods + stringMethods + dictMethods + tensorMethods + datasetMethods + figureMethods + embeddingMethods + classifierMethods + modelMethods + tableMethods {
            table[b.receiverType!, default: [:]][b.name] = b
        }
        return table
    }()

    /// Sorted names of the free functions.
    public static let functionNames: [String] = functions.keys.sorted()

    /// Method tables of the built-in types, indexed by `Value.typeTag`.
    static let methodsByTag: [[String: Builtin]] = {
        let samples: [Value] = [.nil, .bool(false), .number(0), .string(""), .list(ListObject([])),
                                .dict(DictObject()), .range(RangeObject(0, 0)), .nil, .tensor(Tensor(scalar: 0)), .nil]
        return samples.enumerated().map { tag, v in tag == 0 || tag == 7 || tag == 9 ? [:] : methods[v.typeName] ?? [:] }
    }()

    static func method(for value: Value, _ name: String) -> Builtin? {
        if case .object(let o) = value { return methods[o.typeName]?[name] }
        return methodsByTag[value.typeTag][name]
    }

    static func methodNames(for value: Value) -> [String] {
        methods[value.typeName].map { Array($0.keys).sorted() } ?? []
    }

    /// Help lookup: a function name, or `type.method`, or a bare method name.
    public static func lookup(_ name: String) -> [Builtin] {
        if let f = functions[name] { return [f] }
        let parts = name.split(separator: ".")
        if parts.count == 2, let m = methods[String(parts[0])]?[String(parts[1])] { return [m] }
        return methods.keys.sorted().compactMap { methods[$0]?[name] }
    }

    /// Every name help knows, for "did you mean".
    public static var allNames: [String] {
        functionNames + methods.values.flatMap { $0.keys }
    }

    /// The `:help name` text: signature, summary, example.
    public static func help(_ name: String) -> String {
        let found = lookup(name)
        guard !found.isEmpty else {
            let s = suggestions(for: name, among: allNames + TokenKind.keywordNames)
            return "no help for '\(name)'" + (s.isEmpty ? "" : "; did you mean " + s.map { "'\($0)'" }.joined(separator: " or ") + "?")
        }
        return found.map { b in
            let title = b.receiverType.map { "\($0).\(b.signature)" } ?? b.signature
            return "\(title)\n  \(b.summary)\n  example: \(b.example)"
        }.joined(separator: "\n\n")
    }
}
